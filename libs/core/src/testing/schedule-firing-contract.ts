import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../engine/create-engine.js';
import type { Engine } from '../engine/engine.js';
import type { JsonValue } from '../domain/json.js';
import type { TaskRecord } from '../domain/records.js';
import type { TaskStore } from '../store/task-store.js';
import { until } from './until.js';
import { deferred } from './deferred.js';

/** 2026-12-06T00:00:00Z: a start of the simulated clock on a whole hour, so cron times fall on round numbers. */
const T0 = Date.UTC(2026, 11, 6);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/**
 * That schedules and delayed tasks keep their promises on a store shared by two engines, on a simulated clock: each
 * fire time starts one task whichever engine finds it due, a fire repeated after a lost advance starts none, missed
 * times run as `catchUp` says, `overlap: 'skip'` skips while the previous task runs, and a delayed task starts on
 * any worker once due.
 *
 * @example
 * describeScheduleFiring('PostgreSQL', async () => createKnexStore(databases.postgres()));
 */
export function describeScheduleFiring(name: string, makeStore: () => Promise<TaskStore>): void {
  describe(`schedules and delayed tasks on a shared store: ${name}`, () => {
    const engines: Engine[] = [];
    let store: TaskStore | undefined;
    afterEach(async () => {
      await Promise.all(engines.splice(0).map((engine) => engine.stop({ gracePeriodMs: 0 })));
      await store?.close();
      store = undefined;
    });

    /** Two engines on one fresh store and one simulated clock, each running `reports/summary` with `handler`. */
    async function twoEngines(handler: () => Promise<void> | JsonValue | void = () => ({ ok: true })) {
      store = await makeStore();
      const clock = new SimulatedClock();
      clock.set(T0);
      const [first, second] = ['worker-a', 'worker-b'].map((workerId) => {
        const engine = createEngine({ store, clock, workerId }).registerHandler('summarise', handler);
        engine.registerTemplate({
          namespace: 'reports',
          name: 'summary',
          version: '1.0.0',
          steps: [{ name: 'summarise', handler: 'summarise' }],
        });
        engines.push(engine);
        return engine;
      }) as [Engine, Engine];
      const scheduled = async (scheduleId: string): Promise<TaskRecord[]> => {
        const { tasks } = await store!.listTasks({ namespace: 'reports', name: 'summary', limit: 100 });
        return tasks
          .filter((task) => task.scheduleId === scheduleId)
          .sort((a, b) => (a.scheduledFor ?? 0) - (b.scheduledFor ?? 0));
      };
      const advanced = (scheduleId: string, past: number) =>
        until(
          async () => ((await store!.getSchedule(scheduleId))?.nextFireAt ?? 0) > past,
          `${scheduleId} passed ${past}`,
          clock,
        );
      return { store, clock, first, second, scheduled, advanced };
    }

    const summary = { namespace: 'reports', name: 'summary', context: { day: 'yesterday' } };

    it('fires each time of a schedule once across two engines, each task carrying its schedule and time', async () => {
      const { clock, first, second, scheduled, advanced } = await twoEngines();
      await Promise.all([first.start(), second.start()]);
      await first.schedule({ id: 'every-10s', cron: '*/10 * * * * *', task: summary });
      expect((await second.listSchedules()).map((schedule) => schedule.nextFireAt)).toEqual([T0 + 10 * SECOND]);
      for (const round of [1, 2, 3]) {
        clock.increment(10 * SECOND);
        await advanced('every-10s', T0 + round * 10 * SECOND);
      }
      const tasks = await scheduled('every-10s');
      expect(tasks.map((task) => task.scheduledFor)).toEqual([T0 + 10 * SECOND, T0 + 20 * SECOND, T0 + 30 * SECOND]);
      const view = await second.getTask(tasks[0]!.id);
      expect(view).toMatchObject({ scheduleId: 'every-10s', scheduledFor: T0 + 10 * SECOND, initiator: 'schedule' });
    });

    it('starts no second task when a fire time is fired again (an advance lost with its worker)', async () => {
      const { store, clock, first, second, scheduled, advanced } = await twoEngines();
      await Promise.all([first.start(), second.start()]);
      const before = await first.schedule({ id: 'every-10s', cron: '*/10 * * * * *', task: summary });
      clock.increment(10 * SECOND);
      await advanced('every-10s', T0 + 10 * SECOND);
      // As if the worker that fired died before its compare-and-set: the time is due again, for the other engine.
      await store.saveSchedule(before);
      await first.stop();
      // The other engine finds it when it next reads the schedules, a poll interval (2 s) later.
      clock.increment(2 * SECOND);
      await advanced('every-10s', T0 + 10 * SECOND);
      expect((await scheduled('every-10s')).map((task) => task.scheduledFor)).toEqual([T0 + 10 * SECOND]);
    });

    it('after downtime fires no missed time (none), the latest (latest), or every one (all)', async () => {
      const { clock, first, scheduled, advanced } = await twoEngines();
      const every10min = { cron: '0 */10 * * * *', task: summary };
      await first.schedule({ id: 'none', ...every10min });
      await first.schedule({ id: 'latest', ...every10min, catchUp: 'latest' });
      await first.schedule({ id: 'all', ...every10min, catchUp: 'all' });
      clock.increment(60 * MINUTE + 5 * MINUTE);
      await first.start();
      for (const id of ['none', 'latest', 'all']) await advanced(id, T0 + 60 * MINUTE);
      expect(await scheduled('none')).toEqual([]);
      expect((await scheduled('latest')).map((task) => task.scheduledFor)).toEqual([T0 + 60 * MINUTE]);
      expect((await scheduled('all')).map((task) => task.scheduledFor)).toEqual(
        [1, 2, 3, 4, 5, 6].map((tens) => T0 + tens * 10 * MINUTE),
      );
      expect((await first.getSchedule('none')).nextFireAt).toBe(T0 + 70 * MINUTE);
    });

    it("skips a fire while the schedule's previous task is unfinished (overlap: skip), and fires again after", async () => {
      const gate = deferred();
      const { clock, first, scheduled, advanced } = await twoEngines(() => gate.promise);
      await first.start();
      await first.schedule({ id: 'no-overlap', cron: '*/10 * * * * *', task: summary, overlap: 'skip' });
      clock.increment(10 * SECOND);
      await advanced('no-overlap', T0 + 10 * SECOND);
      clock.increment(10 * SECOND);
      await advanced('no-overlap', T0 + 20 * SECOND);
      expect((await scheduled('no-overlap')).map((task) => task.scheduledFor)).toEqual([T0 + 10 * SECOND]);
      gate.resolve();
      const [running] = await scheduled('no-overlap');
      await until(
        async () => (await first.getTask(running!.id)).state === 'completed',
        'the first task completed',
        clock,
      );
      clock.increment(10 * SECOND);
      await advanced('no-overlap', T0 + 30 * SECOND);
      expect((await scheduled('no-overlap')).map((task) => task.scheduledFor)).toEqual([
        T0 + 10 * SECOND,
        T0 + 30 * SECOND,
      ]);
    });

    it('stores a delayed task at once and starts it on an idle worker when due; a past runAt starts now', async () => {
      const ran: string[] = [];
      const { clock, first, second } = await twoEngines(() => {
        ran.push('ran');
      });
      await second.start();
      const later = await first.runTask({ ...summary, runAt: new Date(T0 + 5 * MINUTE).toISOString() });
      expect(await first.getTask(later.taskId)).toMatchObject({ state: 'pending', runAt: T0 + 5 * MINUTE });
      clock.increment(5 * MINUTE - 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(ran).toEqual([]);
      clock.increment(1);
      await until(
        async () => (await second.getTask(later.taskId)).state === 'completed',
        'the delayed task ran',
        clock,
      );
      const past = await second.runTask({ ...summary, runAt: T0 - MINUTE });
      await until(async () => (await second.getTask(past.taskId)).state === 'completed', 'the past one ran', clock);
      expect(ran).toEqual(['ran', 'ran']);
    });
  });
}
