import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../domain/json.js';
import { createEngine } from '../engine/create-engine.js';
import type { Engine } from '../engine/engine.js';
import type { StepContext } from '../handlers/step-context.js';
import type { NewTask, TaskStore, TaskWrite } from '../store/task-store.js';
import { deferred } from './deferred.js';
import type { StoreFactory } from './store-contract.js';
import { storeWith } from './store-with.js';

const TEMPLATE = { namespace: 'isolation', name: 'order' };
const TASKS = 8;

/**
 * `store`, with the results of the tasks in `victims` (and the creations whose context says `refuseCreation`) spoiled by
 * `refused` on the way in: a value the engine's JSON rule would have kept out, which the store must refuse.
 */
function spoiling(store: TaskStore, victims: ReadonlySet<string>, refused: unknown, seen: number[]): TaskStore {
  const spoilWrite = (write: TaskWrite): TaskWrite =>
    victims.has(write.taskId) && write.steps?.some((patch) => patch.results !== undefined)
      ? {
          ...write,
          steps: write.steps.map((patch) =>
            patch.results === undefined ? patch : { ...patch, results: [refused] as never },
          ),
        }
      : write;
  const spoilCreation = (request: NewTask): NewTask =>
    request.task.context['refuseCreation'] === true
      ? { ...request, task: { ...request.task, context: { refused } as never } }
      : request;
  return storeWith(store, {
    commit: (writes, batch) => {
      if (writes.some((write) => victims.has(write.taskId))) seen.push(writes.length);
      return store.commit(writes.map(spoilWrite), batch);
    },
    createTasks: (requests) => {
      if (requests.some((request) => request.task.context['refuseCreation'] === true)) seen.push(requests.length);
      return store.createTasks(requests.map(spoilCreation));
    },
  });
}

/**
 * What the engine promises when its store refuses one task's data, whichever store: the refused write is isolated
 * from its batch, the rest commits, the task is failed with `WRITE_REJECTED`, and a refused creation is answered
 * alone while the others of its batch are created. `refused` is a value the store refuses (a `BigInt` fails JSON
 * encoding everywhere; PostgreSQL also refuses `'\u0000'` in JSON), slipped past the engine's JSON rule by a
 * wrapper around the store.
 *
 * @example
 * describeWriteIsolation('PostgreSQL', () => createKnexStore(config), 'bad\u0000');
 */
export function describeWriteIsolation(name: string, makeStore: StoreFactory, refused: unknown): void {
  describe(`Engine write isolation: ${name}`, () => {
    let store: TaskStore;
    let engine: Engine;
    let victims: Set<string>;
    let batchesWithVictim: number[];
    let started: number;
    let allStarted = deferred();
    const finished = (taskId: string) => engine.waitForTask(taskId, { timeoutMs: 10_000 });
    const run = (context: JsonObject) => engine.runTask({ ...TEMPLATE, context });

    beforeEach(async () => {
      store = await makeStore();
      victims = new Set();
      batchesWithVictim = [];
      started = 0;
      allStarted = deferred();
      engine = createEngine({ store: spoiling(store, victims, refused, batchesWithVictim), pollIntervalMs: 50 });
      engine.registerHandler('work', async (ctx: StepContext) => {
        if (ctx.task.context['victim'] === true) victims.add(ctx.task.id);
        // Every task's result is held until all have started, so that their results are committed in one batch.
        if (++started === TASKS) allStarted.resolve();
        await allStarted.promise;
        return { ok: true };
      });
      engine.registerTemplate({ ...TEMPLATE, version: '1.0.0', steps: [{ name: 'work', handler: 'work' }] });
      await engine.start();
    });
    afterEach(async () => {
      await engine.stop({ gracePeriodMs: 0 });
      await store.close();
    });

    it('fails only the task whose write the store refuses; the other writes of its batch commit', async () => {
      const ids = await Promise.all(
        Array.from({ length: TASKS }, (_, index) => run({ victim: index === 3 }).then((result) => result.taskId)),
      );
      const tasks = await Promise.all(ids.map(finished));
      const victim = tasks[3]!;
      expect(victim.state).toBe('failed');
      expect(victim.errorMessage).toMatch(/^The store refused this task's data, so the task was failed: /);
      expect((await engine.getHistory(victim.id)).at(-1)).toMatchObject({
        to: 'failed',
        error: { code: 'WRITE_REJECTED' },
      });
      expect(tasks.filter((task) => task.state === 'completed')).toHaveLength(TASKS - 1);
      expect(batchesWithVictim[0]).toBeGreaterThan(1);
      expect(engine.writeHealth()).toMatchObject({ rejectedWrites: 1, lostTasks: 0, consecutiveFailures: 0 });
      expect((await finished((await run({})).taskId)).state).toBe('completed');
    });

    it('answers only the creation the store refuses; the others of its batch are created and run', async () => {
      const requests = Array.from({ length: TASKS }, (_, index) => run({ refuseCreation: index === 2 }));
      const answers = await Promise.allSettled(requests);
      expect(batchesWithVictim[0]).toBe(TASKS);
      expect(answers[2]).toMatchObject({
        status: 'rejected',
        reason: { code: 'INVALID_REQUEST', name: 'WriteRejectedError' },
      });
      const created = answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value.taskId] : []));
      expect(created).toHaveLength(TASKS - 1);
      // The refused task held no slot: one more starts, so that every handler is let go.
      created.push((await run({})).taskId);
      for (const taskId of created) expect((await finished(taskId)).state).toBe('completed');
      expect((await engine.listTasks()).tasks).toHaveLength(TASKS);
      expect(engine.writeHealth().rejectedWrites).toBe(1);
    });
  });
}
