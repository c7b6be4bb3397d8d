/**
 * How fast the task list the dashboard pages through answers with many tasks stored (issue 20: "cursor pagination
 * that stays fast over 100,000 tasks"): N tasks of two templates in mixed states are created in batches, then the
 * first page, pages deep into the cursor walk, and each filter the dashboard offers are timed, on PostgreSQL,
 * SQLite and Redis.
 *
 *   npm run bench:task-list                 (N=100000)
 *   BENCH_TASKS=20000 npm run bench:task-list
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { NewTask, TaskFilter, TaskState, TaskStore } from '@tasker/core';
import { sampleSteps, sampleTask } from '@tasker/core/testing';
import { openBenchStore, type StoreKind } from './bench-stores.js';
import { percentile } from './measure.js';

const TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
const BATCH = 1_000;
const PAGES = 40;
const STATES: TaskState[] = ['completed', 'completed', 'completed', 'failed', 'in_progress', 'cancelled'];
const KINDS: StoreKind[] = ['postgres', 'sqlite', 'redis'];

/** Task `index` of the seeded set: every sixth failed, one in ten of the refund template, a minute apart. */
function seededTask(index: number, start: number): NewTask {
  const id = randomUUID();
  const task = sampleTask({
    id,
    name: index % 10 === 0 ? 'process_refund' : 'process_order',
    state: STATES[index % STATES.length]!,
    correlationId: `corr-${index}`,
    createdAt: start + index * 60_000,
    updatedAt: start + index * 60_000,
  });
  return { task, steps: sampleSteps(id) };
}

async function seed(store: TaskStore, start: number): Promise<number> {
  const began = performance.now();
  for (let first = 0; first < TASKS; first += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, TASKS - first) }, (_, i) => seededTask(first + i, start));
    await store.createTasks(batch);
  }
  return (performance.now() - began) / 1_000;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const began = performance.now();
  await work();
  return performance.now() - began;
}

/** Milliseconds per page while walking `PAGES` pages of `filter` by cursor: the first page and the median of the rest. */
async function cursorWalk(store: TaskStore, filter: TaskFilter): Promise<{ first: number; median: number }> {
  const times: number[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < PAGES; page++) {
    const began = performance.now();
    const result = await store.listTasks({ ...filter, limit: 25, ...(cursor ? { cursor } : {}) });
    times.push(performance.now() - began);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return { first: times[0]!, median: percentile(times.slice(1), 0.5) };
}

async function measure(kind: StoreKind): Promise<void> {
  const bench = await openBenchStore(kind);
  try {
    const start = Date.UTC(2026, 0, 1);
    const seconds = await seed(bench.store, start);
    console.log(`${kind}: ${TASKS} tasks stored in ${seconds.toFixed(1)} s`);
    const walk = await cursorWalk(bench.store, {});
    console.log(
      `  all, newest first: first page ${walk.first.toFixed(1)} ms, next ${PAGES - 1} pages median ${walk.median.toFixed(1)} ms`,
    );
    for (const [label, filter] of [
      ['state failed', { state: 'failed' }],
      ['template process_refund', { namespace: 'ecommerce', name: 'process_refund' }],
      [
        'created in one day, mid-history',
        { createdFrom: start + (TASKS / 2) * 60_000, createdTo: start + (TASKS / 2) * 60_000 + 86_400_000 },
      ],
    ] as Array<[string, TaskFilter]>) {
      const filtered = await cursorWalk(bench.store, filter);
      console.log(
        `  ${label}: first page ${filtered.first.toFixed(1)} ms, next pages median ${filtered.median.toFixed(1)} ms`,
      );
    }
    const byCorrelation = await timed(() => bench.store.listTasks({ correlationId: `corr-${Math.floor(TASKS / 3)}` }));
    console.log(`  one correlation id: ${byCorrelation.toFixed(1)} ms`);
  } finally {
    await bench.dispose();
  }
}

console.log(`Task list over ${TASKS} stored tasks, pages of 25`);
console.log(
  `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString()}`,
);
for (const kind of KINDS) await measure(kind);
