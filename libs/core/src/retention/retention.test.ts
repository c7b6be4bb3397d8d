import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createEngine, type EngineOptions } from '../engine/create-engine.js';
import { PermanentError } from '../errors/permanent-error.js';
import { createMemoryStore } from '../store/memory-store.js';
import { chain, startFixture } from '../test-fixtures/engine-fixture.js';
import { RETENTION_HOLD } from './retention-worker.js';

const DAY = 86_400_000;

/** A fixture whose `flow` completes unless its context says `fail`, and a second template `test/kept` with its own retention. */
async function retentionFixture(options: EngineOptions = {}) {
  const store = createMemoryStore();
  const fixture = await startFixture(
    chain('work'),
    {
      work: (ctx) => {
        if (ctx.task.context.fail) throw new PermanentError('declined');
        return { ok: true };
      },
    },
    { store, retention: { completed: '7d', failed: '30d', pauseMs: 0 }, ...options },
  );
  fixture.engine.registerTemplate({
    namespace: 'test',
    name: 'kept',
    version: '1.0.0',
    retention: { completed: '90d' },
    steps: [{ name: 'work', handler: 'work' }],
  });
  const finish = async (name: 'flow' | 'kept', context = {}, idempotencyKey?: string) => {
    const { taskId } = await fixture.engine.runTask({
      namespace: 'test',
      name,
      context,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
    await fixture.engine.waitForTask(taskId);
    return taskId;
  };
  return { ...fixture, store, finish };
}

describe('retention of finished tasks', () => {
  it('purges by state and age, a template overriding the engine, after a dry run that counts the same', async () => {
    const { engine, clock, finish } = await retentionFixture();
    const completed = await finish('flow');
    const failed = await finish('flow', { fail: true });
    const kept = await finish('kept');
    clock.increment(8 * DAY);
    const fresh = await finish('flow');

    const dryRun = await engine.purgeFinishedTasks({ dryRun: true });
    expect(dryRun).toEqual({
      dryRun: true,
      tasks: 1,
      byState: { completed: 1 },
      byTemplate: { 'test/flow@1.0.0': 1 },
      oldestFinishedAt: expect.any(Number),
      newestFinishedAt: expect.any(Number),
    });
    expect(await engine.getTask(completed)).toBeDefined();

    expect(await engine.purgeFinishedTasks()).toMatchObject({ dryRun: false, tasks: 1, byState: { completed: 1 } });
    await expect(engine.getTask(completed)).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
    for (const taskId of [failed, kept, fresh]) expect((await engine.getTask(taskId)).id).toBe(taskId);

    clock.increment(30 * DAY);
    expect(await engine.purgeFinishedTasks()).toMatchObject({ tasks: 2, byState: { completed: 1, failed: 1 } });
    expect((await engine.getTask(kept)).state).toBe('completed');
    await engine.stop();
  });

  it('purges by an operator age and states, whatever the policy, and honours an idempotency key no longer', async () => {
    const { engine, clock, finish } = await retentionFixture();
    const first = await finish('kept', {}, 'order-1');
    clock.increment(2 * DAY);
    expect(await engine.purgeFinishedTasks({ olderThan: '1d', states: ['failed'] })).toMatchObject({ tasks: 0 });
    expect(await engine.purgeFinishedTasks({ olderThan: '1d' })).toMatchObject({ tasks: 1 });
    const again = await finish('kept', {}, 'order-1');
    expect(again).not.toBe(first);
    await engine.stop();
  });

  it('archives each task to a JSON Lines file of its finish day before purging it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tasker-archive-'));
    try {
      const { engine, clock, finish } = await retentionFixture({
        retention: { completed: '1d', pauseMs: 0, archive: { directory } },
      });
      const taskId = await finish('flow');
      const history = await engine.getHistory(taskId);
      clock.increment(2 * DAY);
      expect(await engine.purgeFinishedTasks()).toMatchObject({ tasks: 1 });
      expect(await readdir(directory)).toEqual(['tasks-1970-01-01.jsonl']);
      const lines = (await readFile(join(directory, 'tasks-1970-01-01.jsonl'), 'utf8')).trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      const archived = JSON.parse(lines[0]!);
      expect(archived.task).toMatchObject({ id: taskId, state: 'completed', namespace: 'test', name: 'flow' });
      expect(archived.steps).toMatchObject([{ name: 'work', state: 'completed', results: { ok: true } }]);
      expect(archived.transitions).toHaveLength(history.length);
      expect(archived.annotations).toEqual([]);
      await engine.stop();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('holds the store-wide retention hold while it runs, one worker at a time, and gives it back on stop', async () => {
    const { engine, store, clock } = await retentionFixture();
    const claim = () =>
      store.claimSubscriber({ name: RETENTION_HOLD, workerId: 'other', now: clock.now(), until: clock.now() + 1 });
    await expect.poll(claim).toBeUndefined();
    await engine.stop();
    expect(await claim()).toBeDefined();
  });

  it('purges on its own while it runs, on the worker that takes the hold, and lets a stopping engine stop', async () => {
    const { engine, store, clock, finish } = await retentionFixture();
    const old = await finish('flow');
    await engine.stop();
    clock.increment(8 * DAY);
    const worker = createEngine({ store, clock, retention: { completed: '7d', pauseMs: 0 } });
    await worker.start();
    await expect.poll(() => store.getTask(old)).toBeUndefined();
    await worker.stop();
  });

  it('refuses bad retention options, naming the field', () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const make = (retention: object) => () => createEngine({ store, clock, retention });
    expect(make({ completed: '7 days' })).toThrow(/retention\.completed: must be a duration like '7d'/);
    expect(make({ failed: -1 })).toThrow(/retention\.failed: must be a positive whole number of ms/);
    expect(make({ finished: '7d' })).toThrow(/retention\.finished: is no finished state/);
    expect(make({ completed: '7d', archive: { table: true } })).toThrow(
      /retention\.archive\.table: this store has no archive table/,
    );
    expect(make({ batchSize: 0 })).toThrow(/retention\.batchSize/);
    const engine = createEngine({ store, clock });
    expect(() =>
      engine.registerTemplate({
        namespace: 'a',
        name: 'b',
        version: '1.0.0',
        retention: { completed: '2w' },
        steps: [{ name: 's', handler: 'h' }],
      }),
    ).toThrow(/retention\.completed/);
    return expect(engine.purgeFinishedTasks()).rejects.toThrow(/olderThan: is required/);
  });
});
