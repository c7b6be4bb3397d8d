/**
 * What purging finished tasks costs the tasks that run meanwhile (issue 23): N finished tasks (each with two steps, a
 * transition and two events) are seeded in PostgreSQL, a steady stream of five-step chains of no-op handlers runs,
 * and the step latency (the gap between a task's consecutive `step.completed` events) is measured for a while
 * without a purge, then while `engine.purgeFinishedTasks` removes the seeded tasks in its batches of 100 with 50 ms
 * pauses. Prints p50 and p99 of both and the purge's rate.
 *
 *   npm run bench:retention                     (N=20000, 8 tasks in flight)
 *   BENCH_TASKS=50000 BENCH_IN_FLIGHT=16 npm run bench:retention
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { createEngine, type NewTask, type TaskStore, type TaskWrite } from '@tasker/core';
import { sampleEvent, sampleSteps, sampleTask } from '@tasker/core/testing';
import { openBenchStore } from './bench-stores.js';
import { percentile } from './measure.js';
import { checkoutChain } from './workloads.js';

const TASKS = Number(process.env.BENCH_TASKS ?? 20_000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 8);
const BASELINE_MS = Number(process.env.BENCH_BASELINE_MS ?? 10_000);
const SEED_BATCH = 500;
const DAY = 86_400_000;

/** Seeds `TASKS` tasks finished 30 days ago, with their history and events. */
async function seed(store: TaskStore): Promise<void> {
  const finishedAt = Date.now() - 30 * DAY;
  for (let first = 0; first < TASKS; first += SEED_BATCH) {
    const batch: NewTask[] = Array.from({ length: Math.min(SEED_BATCH, TASKS - first) }, () => {
      const task = sampleTask({ id: randomUUID(), state: 'in_progress', updatedAt: finishedAt - 1 });
      return { task, steps: sampleSteps(task.id) };
    });
    await store.createTasks(batch);
    await store.commit(
      batch.map(({ task }): TaskWrite => ({
        taskId: task.id,
        task: { state: 'completed', updatedAt: finishedAt, completedAt: finishedAt },
        transitions: [{ taskId: task.id, from: 'in_progress', to: 'completed', by: 'engine', at: finishedAt }],
        events: [
          sampleEvent(task.id, 'step.completed', finishedAt - 1),
          sampleEvent(task.id, 'step.completed', finishedAt),
        ],
      })),
    );
  }
}

/** Step latencies while `during` runs, from a stream of `IN_FLIGHT` tasks at a time. */
async function streamWhile(store: TaskStore, during: () => Promise<void>): Promise<number[]> {
  const engine = createEngine({ store, concurrency: IN_FLIGHT * 2 });
  engine.registerHandler('noop', () => null);
  engine.registerTemplate({
    namespace: 'bench',
    name: 'retention',
    version: '1.0.0',
    steps: checkoutChain.steps.map((step) => ({ ...step, handler: 'noop' })),
  });
  const gaps: number[] = [];
  const last = new Map<string, number>();
  engine.on('step.completed', (event) => {
    const now = performance.now();
    const before = last.get(event.taskId);
    if (before !== undefined) gaps.push(now - before);
    last.set(event.taskId, now);
  });
  await engine.start();
  let running = true;
  const stream = async () => {
    while (running) {
      const { taskId } = await engine.runTask({ namespace: 'bench', name: 'retention', context: {} });
      await engine.waitForTask(taskId);
      last.delete(taskId);
    }
  };
  const streams = Array.from({ length: IN_FLIGHT }, stream);
  // Warm up (compiling, preparing statements) before measuring.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  gaps.length = 0;
  await during();
  running = false;
  await Promise.all(streams);
  await engine.stop();
  return gaps.sort((a, b) => a - b);
}

function line(label: string, gaps: number[]): string {
  return `${label}: ${gaps.length} steps, p50 ${percentile(gaps, 0.5).toFixed(1)} ms, p99 ${percentile(gaps, 0.99).toFixed(1)} ms`;
}

console.log(
  `Step latency during a purge: ${TASKS} finished tasks in PostgreSQL, ${IN_FLIGHT} five-step tasks in flight`,
);
console.log(
  `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString()}`,
);
const bench = await openBenchStore('postgres');
try {
  const seeding = performance.now();
  await seed(bench.store);
  console.log(`seeded in ${((performance.now() - seeding) / 1_000).toFixed(1)} s`);
  const baseline = await streamWhile(bench.store, () => new Promise((resolve) => setTimeout(resolve, BASELINE_MS)));
  console.log(line(`without a purge (${BASELINE_MS / 1_000} s)`, baseline));
  let purged = 0;
  let purgeSeconds = 0;
  const duringPurge = await streamWhile(bench.store, async () => {
    const purger = createEngine({ store: bench.store, operatorOnly: true });
    const began = performance.now();
    purged = (await purger.purgeFinishedTasks({ olderThan: '1d' })).tasks;
    purgeSeconds = (performance.now() - began) / 1_000;
  });
  console.log(line(`during the purge (${purgeSeconds.toFixed(1)} s)`, duringPurge));
  console.log(`purged ${purged} tasks at ${(purged / purgeSeconds).toFixed(0)} tasks/s (batches of 100, 50 ms pauses)`);
} finally {
  await bench.dispose();
}
