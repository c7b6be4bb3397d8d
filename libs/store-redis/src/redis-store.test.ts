import { describeStoreContract, sampleEvent, sampleSteps, sampleTask } from '@tasker/core/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisStore } from './create-redis-store.js';
import type { RedisStore } from './redis-store.js';
import { SCRIPTS } from './scripts.js';
import { TEST_REDIS_URL, uniquePrefix } from './test-fixtures/test-redis.js';
import { TestStores } from './test-fixtures/test-stores.js';

const stores = new TestStores();
const openStore = (prefix?: string) => stores.open(prefix);

afterEach(() => stores.cleanUp());

describeStoreContract('Redis', () => openStore());
// Several shards on one server: the merges and multi-shard paths a cluster takes, without a cluster.
describeStoreContract('Redis, 4 shards', () => stores.open(undefined, TEST_REDIS_URL, { shards: 4 }));

describe('RedisStore', () => {
  it('keeps two prefixes on one server apart', async () => {
    const left = openStore();
    const right = openStore();
    const task = sampleTask({ idempotencyKey: 'shared-key' });
    await left.createTask(task, sampleSteps(task.id));
    expect(await right.getTask(task.id)).toBeUndefined();
    expect((await right.listTasks()).tasks).toEqual([]);
    expect(await right.listUnfinishedTaskIds()).toEqual([]);
    const other = sampleTask({ idempotencyKey: 'shared-key' });
    expect((await right.createTask(other, [])).created).toBe(true);
    expect((await left.listTasks()).tasks.map((stored) => stored.id)).toEqual([task.id]);
  });

  it('applies nothing of a batch naming an unknown task, not even the writes before it', async () => {
    const store = openStore();
    const known = sampleTask();
    await store.createTask(known, sampleSteps(known.id));
    const unknown = sampleTask().id;
    await expect(
      store.commit([
        {
          taskId: known.id,
          task: { state: 'in_progress', startedAt: 9 },
          steps: [{ name: 'validate_cart', state: 'in_progress', attempts: 1 }],
          transitions: [{ taskId: known.id, from: 'pending', to: 'in_progress', by: 'engine', at: 9 }],
          annotations: [{ taskId: known.id, type: 'seen', content: 1, createdAt: 9 }],
          snapshot: { machineVersion: 1, state: {} },
        },
        { taskId: unknown, task: { state: 'in_progress' } },
      ]),
    ).rejects.toMatchObject({ code: 'TASK_NOT_FOUND', message: expect.stringContaining(unknown) });
    expect(await store.getTask(known.id)).toEqual(known);
    expect(await store.getSteps(known.id)).toEqual(sampleSteps(known.id));
    expect(await store.getTransitions(known.id)).toEqual([]);
    expect(await store.getAnnotations(known.id)).toEqual([]);
    expect(await store.getSnapshot(known.id)).toBeUndefined();
    expect(await store.listUnfinishedTaskIds()).toEqual([known.id]);
    expect((await store.listTasks({ state: 'in_progress' })).tasks).toEqual([]);
  });

  it('sends one command per commit batch of many tasks and per task creation', async () => {
    const store = openStore();
    const tasks = Array.from({ length: 20 }, () => sampleTask());
    const before = store.commandCount;
    for (const task of tasks) await store.createTask(task, sampleSteps(task.id));
    // The first run of each script may be an EVALSHA answered NOSCRIPT and then an EVAL.
    expect(store.commandCount - before).toBeLessThanOrEqual(tasks.length + 1);
    const committed = store.commandCount;
    await store.commit(
      tasks.map((task) => ({
        taskId: task.id,
        task: { state: 'in_progress' as const, startedAt: 1 },
        steps: [{ name: 'validate_cart', state: 'in_progress' as const, attempts: 1, startedAt: 1 }],
        transitions: [
          {
            taskId: task.id,
            stepName: 'validate_cart',
            from: 'pending',
            to: 'in_progress',
            attempt: 1,
            by: 'engine',
            at: 1,
          },
        ],
        snapshot: { machineVersion: 1, state: { value: 'running' } },
      })),
    );
    expect(store.commandCount - committed).toBeLessThanOrEqual(2);
    const again = store.commandCount;
    await store.commit([{ taskId: tasks[0]!.id, task: { updatedAt: 2 } }]);
    expect(store.commandCount - again).toBe(1);
  });

  it("appends a commit's events with it in one round trip, and still when the server ran the append first", async () => {
    const store = openStore();
    const task = sampleTask();
    await store.createTask(task, sampleSteps(task.id));
    const before = store.commandCount;
    await store.commit([{ taskId: task.id, events: [sampleEvent(task.id, 'step.started', 1)] }]);
    // The commit script and the append behind it: two commands, one round trip.
    expect(store.commandCount - before).toBe(2);
    // A server that forgot the commit script but knows the append's runs the append first, before the commit sent
    // again whole: the store appends the commit's events as a cluster would.
    const raw = new Redis(TEST_REDIS_URL);
    try {
      await raw.script('FLUSH');
      await raw.script('LOAD', SCRIPTS.appendOutbox.source);
      await store.commit([{ taskId: task.id, events: [sampleEvent(task.id, 'step.completed', 2)] }]);
    } finally {
      raw.disconnect();
    }
    const logged = await store.readEvents({ taskId: task.id, limit: 10 });
    expect(logged.map(({ event }) => event.type)).toEqual(['step.started', 'step.completed']);
  });

  it('keeps JSON values exactly: long numbers, unicode, empty arrays and objects, nulls', async () => {
    const store = openStore();
    const context = {
      precise: 0.30000000000000004,
      big: 9_007_199_254_740_991,
      text: 'ünïcödé 🚚 "quoted" \\ \u0000',
      empty: [],
      none: {},
      nothing: null,
    };
    const task = sampleTask({ context, tags: [] });
    await store.createTask(task, sampleSteps(task.id));
    await store.commit([
      { taskId: task.id, steps: [{ name: 'validate_cart', results: { ...context, list: [[], [{}]] } }] },
    ]);
    expect(await store.getTask(task.id)).toEqual(task);
    expect((await store.getSteps(task.id))[0]?.results).toEqual({ ...context, list: [[], [{}]] });
  });

  it('creates one task when two requests race with one idempotency key', async () => {
    const store = openStore();
    const requests = Array.from({ length: 5 }, () => sampleTask({ idempotencyKey: 'race' }));
    const results = await Promise.all(requests.map((task) => store.createTask(task, sampleSteps(task.id))));
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.task.id)).size).toBe(1);
    expect((await store.listTasks()).tasks).toHaveLength(1);
  });

  it('does not apply a batch twice when it is retried after its reply was lost', async () => {
    const store = openStore();
    const task = sampleTask();
    await store.createTask(task, sampleSteps(task.id));
    const batch = [
      {
        taskId: task.id,
        transitions: [{ taskId: task.id, from: 'pending' as const, to: 'in_progress' as const, by: 'engine', at: 1 }],
      },
    ];
    await store.commit(batch, { id: 'batch-1' });
    await store.commit(batch, { id: 'batch-1' });
    await store.commit(batch, { id: 'batch-2' });
    expect(await store.getTransitions(task.id)).toHaveLength(2);
  });

  it('moves a task between the state indexes and out of the unfinished ones as it changes state', async () => {
    const store = openStore();
    const task = sampleTask();
    await store.createTask(task, []);
    await store.commit([{ taskId: task.id, task: { state: 'in_progress' } }]);
    expect((await store.listTasks({ state: 'in_progress' })).tasks.map((stored) => stored.id)).toEqual([task.id]);
    expect((await store.listTasks({ state: 'pending' })).tasks).toEqual([]);
    await store.commit([
      { taskId: task.id, task: { state: 'completed' } },
      { taskId: task.id, task: { state: 'failed' } },
    ]);
    expect((await store.listTasks({ state: ['in_progress', 'completed'] })).tasks).toEqual([]);
    expect((await store.listTasks({ state: 'failed' })).tasks.map((stored) => stored.id)).toEqual([task.id]);
    expect(await store.listUnfinishedTaskIds()).toEqual([]);
  });

  it('pages through filtered tasks and creation-time ranges without skipping or repeating one', async () => {
    const store = openStore();
    const tasks = Array.from({ length: 9 }, (_, index) =>
      sampleTask({ createdAt: 5_000 + Math.floor(index / 3), namespace: index % 2 === 0 ? 'even' : 'odd' }),
    );
    for (const task of tasks) await store.createTask(task, []);
    const pages = async (filter: Parameters<RedisStore['listTasks']>[0]) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listTasks({ ...filter, limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...page.tasks.map((task) => task.id));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    const newestFirst = (list: typeof tasks) =>
      [...list].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((task) => task.id);
    expect(await pages({ namespace: 'even' })).toEqual(newestFirst(tasks.filter((task) => task.namespace === 'even')));
    expect(await pages({ createdFrom: 5_001, createdTo: 5_002 })).toEqual(
      newestFirst(tasks.filter((task) => task.createdAt === 5_001)),
    );
    expect(await pages({ state: ['pending', 'failed'], namespace: 'odd', createdTo: 5_002 })).toEqual(
      newestFirst(tasks.filter((task) => task.namespace === 'odd' && task.createdAt < 5_002)),
    );
  });

  it('records its data model version and shard count once and refuses a prefix holding others', async () => {
    const prefix = uniquePrefix();
    const store = openStore(prefix);
    await Promise.all([store.migrate(), openStore(prefix).migrate()]);
    await store.migrate();
    await expect(stores.open(prefix, TEST_REDIS_URL, { shards: 2 }).migrate()).rejects.toMatchObject({
      code: 'STORE_SCHEMA_MISMATCH',
      message: expect.stringContaining('version 3 with 1 shards'),
    });
    const raw = new Redis(TEST_REDIS_URL);
    // Where versions 1 and 2, whose keys had no hash tags, recorded themselves; no version ever was 99.
    await raw.set(`${prefix}schema`, '99');
    raw.disconnect();
    await expect(store.migrate()).rejects.toMatchObject({
      code: 'STORE_SCHEMA_MISMATCH',
      message: expect.stringContaining('holds data model version 99;'),
    });
  });

  it('refuses a prefix holding a brace, which would put every key in one slot, and shard counts out of range', () => {
    expect(() => createRedisStore(TEST_REDIS_URL, { prefix: '{app}:' })).toThrow(/prefix: must hold no '\{' or '\}'/);
    expect(() => createRedisStore(TEST_REDIS_URL, { shards: 0 })).toThrow(/shards: must be a whole number from 1/);
  });

  it('rejects commands promptly while the server is unreachable', async () => {
    const store = createRedisStore('redis://127.0.0.1:1', { prefix: uniquePrefix() });
    const started = Date.now();
    await expect(store.getTask('any')).rejects.toThrow();
    await expect(store.commit([{ taskId: 'any', task: { updatedAt: 1 } }])).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3_000);
    await store.close();
  });
});
