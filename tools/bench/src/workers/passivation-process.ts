/**
 * The passivation benchmark's worker process (forked by workers-bench.ts with a JSON {@link PassivationPlan}):
 * - `park`: creates `tasks` tasks whose one step fails its first attempt with a long retry-after (`dueTasks` of
 *   them an hour, the rest two), waits until every task waits passivated in the store, and reports its peak RSS;
 * - `wake`: a worker whose clock runs an hour and a minute ahead, so the first group is due: reports how long it
 *   took to rehydrate and complete them, and its peak RSS;
 * - `wait`: creates `tasks` tasks that wait inside a step, half for a signal that does not come, half in a day-long
 *   sleep, waits until every one waits passivated in the store, and reports its peak RSS.
 */
import { createEngine, createStoreFromUrl, RetryableError, systemClock, type Clock } from '@tasker/core';
import type { StoreTarget } from '@tasker/chaos/store-target';
import { BENCH_POOL } from '../bench-stores.js';

export interface PassivationPlan {
  location: StoreTarget;
  phase: 'park' | 'wake' | 'wait';
  tasks: number;
  dueTasks: number;
}

export interface PassivationFigures {
  seconds: number;
  peakRssMb: number;
  completed?: number;
}

const HOUR = 3_600_000;
const plan = JSON.parse(process.argv[2]!) as PassivationPlan;
// The parent migrated the store before it forked its workers.
const store = await createStoreFromUrl(plan.location, { pool: BENCH_POOL, migrate: false });
const ahead = plan.phase === 'wake' ? HOUR + 60_000 : 0;
const clock: Clock = { ...systemClock, now: () => Date.now() + ahead };
const engine = createEngine({ store, clock, concurrency: 1_000, passivateAfterMs: 60_000 });
engine.registerHandler('charge', (ctx) => {
  if (ctx.step.attempt === 1) throw new RetryableError('later', { retryAfterMs: Number(ctx.task.context.waitMs) });
  return null;
});
engine.registerTemplate({
  namespace: 'bench',
  name: 'passivation',
  version: '1.0.0',
  steps: [{ name: 'charge', handler: 'charge', retryLimit: 1, backoff: { baseMs: 1_000, maxMs: 3 * HOUR, jitter: 0 } }],
});

// The `wait` phase's tasks: one step each, waiting for a signal or sleeping a day.
engine.registerTemplate({
  namespace: 'bench',
  name: 'signal_wait',
  version: '1.0.0',
  steps: [{ name: 'approval', type: 'signal', signal: 'approved' }],
});
engine.registerTemplate({
  namespace: 'bench',
  name: 'day_sleep',
  version: '1.0.0',
  steps: [{ name: 'nap', type: 'sleep', durationMs: 24 * HOUR }],
});

let events = 0;
let settle = () => {};
const expected = plan.phase === 'wake' ? plan.dueTasks : plan.tasks;
const counted = { park: 'step.retry_scheduled', wake: 'task.completed', wait: 'step.waiting' } as const;
engine.on(counted[plan.phase], () => {
  if (++events === expected) settle();
});
const done = new Promise<void>((resolve) => (settle = resolve));
const started = performance.now();
await engine.start();
if (plan.phase !== 'wake') {
  let next = 0;
  const lane = async () => {
    while (next < plan.tasks) {
      const index = next++;
      if (plan.phase === 'wait') {
        await engine.runTask({ namespace: 'bench', name: index % 2 === 0 ? 'signal_wait' : 'day_sleep', context: {} });
        continue;
      }
      const waitMs = index < plan.dueTasks ? HOUR : 2 * HOUR;
      await engine.runTask({ namespace: 'bench', name: 'passivation', context: { waitMs } });
    }
  };
  await Promise.all(Array.from({ length: 200 }, lane));
}
await done;
// Passivation releases each lease after its task's last write: wait until this worker holds none.
while (engine.activeTaskCount > 0) await new Promise((resolve) => setTimeout(resolve, 50));
const seconds = (performance.now() - started) / 1000;
await engine.stop();
await store.close();
const figures: PassivationFigures = {
  seconds,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  ...(plan.phase === 'wake' ? { completed: events } : {}),
};
process.send!(figures);
process.exit(0);
