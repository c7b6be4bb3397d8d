/**
 * A worker process of the multi-worker benchmarks, forked by workers-bench.ts with a JSON {@link WorkerPlan}. It
 * opens the store, tells the parent `ready`, and starts its engine on `go`. Modes:
 * - `drain`: no-op handlers; works until the store holds no unfinished task, then reports what it ran.
 * - `slow`: handlers of `stepMs`; reports every attempt it starts (task id, time) to the parent until killed.
 */
import { createEngine, createStoreFromUrl, silentLogger } from '@tasker/core';
import type { StoreTarget } from '@tasker/chaos/store-target';
import { BENCH_POOL } from '../bench-stores.js';
import { BENCH_TEMPLATE, type WorkerMessage } from './worker-protocol.js';

export interface WorkerPlan {
  location: StoreTarget;
  workerId: string;
  mode: 'drain' | 'slow';
  concurrency: number;
  leaseMs?: number;
  stepMs?: number;
}

const plan = JSON.parse(process.argv[2]!) as WorkerPlan;
// The parent migrated the store before it forked its workers.
const store = await createStoreFromUrl(plan.location, { pool: BENCH_POOL, migrate: false });
const engine = createEngine({
  store,
  concurrency: plan.concurrency,
  workerId: plan.workerId,
  logger: silentLogger,
  ...(plan.leaseMs === undefined ? {} : { leaseMs: plan.leaseMs, pollIntervalMs: plan.leaseMs / 5 }),
});
const stepMs = plan.stepMs ?? 0;
engine.registerHandler('work', async (ctx) => {
  if (plan.mode === 'slow') send({ type: 'attempt', taskId: ctx.task.id, at: Date.now() });
  if (stepMs > 0) await new Promise((resolve) => setTimeout(resolve, stepMs));
  return null;
});
engine.registerTemplate(BENCH_TEMPLATE);

function send(message: WorkerMessage): void {
  process.send!(message);
}

await store.listTasks({ limit: 1 });
send({ type: 'ready' });
process.once('message', async () => {
  const startedAt = Date.now();
  const cpuAtStart = process.cpuUsage();
  await engine.start();
  if (plan.mode === 'slow') return;
  let steps = 0;
  engine.on('step.completed', () => void steps++);
  for (;;) {
    const { tasks } = await store.listTasks({ state: ['pending', 'in_progress'], limit: 1 });
    if (tasks.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const finishedAt = Date.now();
  const cpu = process.cpuUsage(cpuAtStart);
  await engine.stop();
  await store.close();
  send({ type: 'drained', startedAt, finishedAt, steps, cpuMs: (cpu.user + cpu.system) / 1000 });
  process.exit(0);
});
