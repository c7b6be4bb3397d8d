import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../engine/create-engine.js';
import type { Engine } from '../engine/engine.js';
import type { TaskStore } from '../store/task-store.js';
import { until } from './until.js';

const T0 = Date.UTC(2026, 11, 6);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * That task deadlines hold on a store shared by several engines, on a simulated clock: the store keeps a task's
 * `deadlineAt`, and a task passivated while it sleeps past its deadline is claimed by whichever engine is up at the
 * deadline (its wake-up is the earlier of the two) and fails with `DEADLINE_EXCEEDED`.
 *
 * @example
 * describeDeadlines('PostgreSQL', async () => createKnexStore(databases.postgres()));
 */
export function describeDeadlines(name: string, makeStore: () => Promise<TaskStore>): void {
  describe(`task deadlines on a shared store: ${name}`, () => {
    const engines: Engine[] = [];
    let store: TaskStore | undefined;
    afterEach(async () => {
      await Promise.all(engines.splice(0).map((engine) => engine.stop({ gracePeriodMs: 0 })));
      await store?.close();
      store = undefined;
    });

    it('wakes a task passivated in a day-long sleep at its one-hour deadline, on another engine, and fails it', async () => {
      store = await makeStore();
      const clock = new SimulatedClock();
      clock.set(T0);
      const ran: string[] = [];
      const [first, second] = ['worker-a', 'worker-b'].map((workerId) => {
        const engine = createEngine({ store, clock, workerId }).registerHandler('ship', () => void ran.push('ship'));
        engine.registerTemplate({
          namespace: 'orders',
          name: 'cool_off',
          version: '1.0.0',
          deadlineMs: HOUR,
          steps: [
            { name: 'cool_off', type: 'sleep', durationMs: 24 * HOUR },
            { name: 'ship', handler: 'ship', dependsOn: ['cool_off'] },
          ],
        });
        engines.push(engine);
        return engine;
      }) as [Engine, Engine];
      await first.start();
      const { taskId } = await first.runTask({ namespace: 'orders', name: 'cool_off', context: {} });
      const task = () => first.getTask(taskId);
      await until(async () => (await task()).steps[0]!.state === 'waiting', 'the sleep began', clock);
      expect((await task()).deadlineAt).toBe(T0 + HOUR);
      // Passivated: its wake-up is its deadline, not the sleep's end, so any engine up then takes it.
      await until(async () => first.activeTaskCount === 0, 'the task was passivated', clock);
      await first.stop();
      await second.start();
      clock.increment(HOUR - 1);
      await until(async () => true, 'timers flushed', clock);
      expect((await task()).state).toBe('in_progress');
      clock.increment(1);
      await until(async () => (await task()).state === 'failed', 'the task failed at its deadline', clock);
      const failed = await task();
      expect(failed.errorMessage).toBe(`Task passed its deadline of ${HOUR} ms at 2026-12-06T01:00:00.000Z`);
      expect(failed.steps.map((step) => [step.name, step.state, step.error?.code])).toEqual([
        ['cool_off', 'failed', 'DEADLINE_EXCEEDED'],
        ['ship', 'pending', undefined],
      ]);
      expect(failed.steps[0]!.waitingFor).toBeUndefined();
      expect(ran).toEqual([]);
      const history = await second.getHistory(taskId);
      expect(history.at(-1)).toMatchObject({ from: 'in_progress', to: 'failed', at: T0 + HOUR });
    });
  });
}
