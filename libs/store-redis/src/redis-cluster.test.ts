import { describeStoreContract, sampleSteps, sampleTask } from '@tasker/core/testing';
import { Cluster } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { clusterNodesOf } from './connect-client.js';
import { DEFAULT_CLUSTER_SHARDS } from './redis-store.js';
import { CHAIN_STEPS, createChainEngine, runChain } from './test-fixtures/chain-engine.js';
import { uniquePrefix } from './test-fixtures/test-redis.js';
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
