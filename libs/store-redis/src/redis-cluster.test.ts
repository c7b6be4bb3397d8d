import { createStoreFromUrl } from '@tasker/core';
import { describeStoreContract, sampleEvent, sampleSteps, sampleTask } from '@tasker/core/testing';
import { Cluster } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { clusterNodesOf } from './connect-client.js';
import { RedisKeys } from './redis-keys.js';
import { DEFAULT_CLUSTER_SHARDS, RedisStore } from './redis-store.js';
import { CHAIN_STEPS, createChainEngine, runChain } from './test-fixtures/chain-engine.js';
import { deleteKeys, uniquePrefix } from './test-fixtures/test-redis.js';
import { TestStores } from './test-fixtures/test-stores.js';

const url = inject('redisClusterUrl');
const stores = new TestStores(url);
const admin = new Cluster(clusterNodesOf(url).nodes);

afterEach(() => stores.cleanUp());
afterAll(() => admin.quit());

describeStoreContract('Redis Cluster', () => stores.open());

describe('a Redis store on a Redis Cluster', () => {
  it('spreads the tasks of a prefix over its shards, on every master, and reads them back through each', async () => {
    const prefix = uniquePrefix();
    const store = stores.open(prefix);
    await store.migrate();
    expect(store.shards).toBe(DEFAULT_CLUSTER_SHARDS);
    const tasks = Array.from({ length: 40 }, (_, index) => sampleTask({ createdAt: 1_000 + index }));
    await store.createTasks(tasks.map((task) => ({ task, steps: sampleSteps(task.id) })));
    const perMaster = await Promise.all(
      admin.nodes('master').map(async (node) => (await node.keys(`${prefix}*task:*`)).length),
    );
    expect(perMaster.every((count) => count > 0)).toBe(true);
    expect(perMaster.reduce((sum, count) => sum + count, 0)).toBe(tasks.length);
    const page = await store.listTasks({ limit: 100 });
    expect(page.tasks.map((task) => task.id)).toEqual(tasks.map((task) => task.id).reverse());
    const stored = await store.loadTasks(tasks.map((task) => task.id));
    expect(stored.map((entry) => entry.task)).toEqual(tasks);
  });

  it('appends the events a process left in an outbox, dying between its commit and the append, once', async () => {
    const prefix = uniquePrefix();
    const store = stores.open(prefix);
    const task = sampleTask();
    await store.createTask(task, []);
    // What the commit script of the dead process left: its entry in the shard's outbox, not yet in the log.
    const shard = new RedisKeys(prefix, store.shards).shardOf(task.id);
    const left = sampleEvent(task.id, 'step.started', 1);
    const sequence = await admin.incr(shard.outboxSequence);
    await admin.zadd(shard.outbox, sequence, `${sequence} ${JSON.stringify([task.id, 1, JSON.stringify(left)])}`);
    expect(await store.readEvents({ limit: 10 })).toEqual([]);

    // The next commit on the shard appends it first; a purge run appends what is left (nothing) and keeps both.
    await store.commit([{ taskId: task.id, events: [sampleEvent(task.id, 'step.completed', 2)] }]);
    await store.purgeEvents({ before: 0, keepNewest: 1_000, limit: 1_000 });
    const logged = await store.readEvents({ taskId: task.id, limit: 10 });
    expect(logged.map(({ event: { type } }) => type)).toEqual(['step.started', 'step.completed']);
    expect(await admin.zcard(shard.outbox)).toBe(0);
  });

  it('appends, at its next purge run, the events left in the outbox of a shard no commit touched since', async () => {
    const prefix = uniquePrefix();
    const store = stores.open(prefix);
    const task = sampleTask();
    await store.createTask(task, []);
    const shard = new RedisKeys(prefix, store.shards).shardOf(task.id);
    const left = sampleEvent(task.id, 'step.started', 1);
    await admin.zadd(shard.outbox, 1, `1 ${JSON.stringify([task.id, 1, JSON.stringify(left)])}`);
    expect(await store.purgeEvents({ before: 0, keepNewest: 1_000, limit: 1_000 })).toBe(0);
    expect((await store.readEvents({ limit: 10 })).map(({ event }) => event)).toEqual([left]);
    await store.purgeEvents({ before: 0, keepNewest: 1_000, limit: 1_000 });
    expect(await store.readEvents({ limit: 10 })).toHaveLength(1);
  });

  it('opens from a redis+cluster:// store URL under its ?prefix=, migrated, and runs a task', async () => {
    const prefix = uniquePrefix();
    const store = await createStoreFromUrl(`${url}/?prefix=${encodeURIComponent(prefix)}`);
    try {
      expect(store).toBeInstanceOf(RedisStore);
      expect([(store as RedisStore).prefix, (store as RedisStore).shards]).toEqual([prefix, DEFAULT_CLUSTER_SHARDS]);
      const { engine } = createChainEngine({ store });
      await engine.start();
      const task = await engine.waitForTask(await runChain(engine), { timeoutMs: 10_000 });
      await engine.stop();
      expect(task.state).toBe('completed');
    } finally {
      await store.close();
      await deleteKeys(url, [prefix]);
    }
  });

  it('takes an ioredis Cluster of the caller, and leaves it open on close', async () => {
    const prefix = uniquePrefix();
    const client = new Cluster(clusterNodesOf(url).nodes);
    try {
      const store = stores.open(prefix, client);
      const task = sampleTask();
      await store.createTask(task, []);
      await store.close();
      expect(client.status).toBe('ready');
      expect(await stores.open(prefix).getTask(task.id)).toEqual(task);
    } finally {
      client.disconnect();
    }
  });

  it('runs tasks to completion with workers woken by pub/sub, and their events in the log in order', async () => {
    const prefix = uniquePrefix();
    const store = stores.open(prefix);
    await store.migrate();
    const { engine, runs } = createChainEngine({ store, pollIntervalMs: 600_000 });
    const api = createChainEngine({ store: stores.open(prefix) }).engine;
    await engine.start();
    try {
      const taskIds = await Promise.all(Array.from({ length: 6 }, (_, index) => runChain(api, { index })));
      for (const taskId of taskIds) {
        expect((await engine.waitForTask(taskId, { timeoutMs: 10_000 })).state).toBe('completed');
      }
      expect([...runs].sort()).toEqual(taskIds.flatMap((id) => CHAIN_STEPS.map((step) => `${id}:${step}`)).sort());
      const events = await engine.events.read({ taskId: taskIds[0]!, limit: 1000 });
      expect(events.map(({ event }) => event.type).at(0)).toBe('task.started');
      expect(events.map(({ event }) => event.type).at(-1)).toBe('task.completed');
      const all = await engine.events.read({ limit: 1000 });
      expect(all.filter(({ event }) => event.type === 'task.completed')).toHaveLength(taskIds.length);
      expect(new Set(all.map(({ id }) => id)).size).toBe(all.length);
    } finally {
      await engine.stop();
    }
  });
});
