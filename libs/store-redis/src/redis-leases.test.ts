import { sampleSteps, sampleTask } from '@tasker/core/testing';
import type { TaskRecord } from '@tasker/core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RedisStore } from './redis-store.js';
import { TEST_REDIS_URL, uniquePrefix } from './test-fixtures/test-redis.js';
import { TestStores } from './test-fixtures/test-stores.js';

const NOW = 2_000_000_000_000;
const LEASE_MS = 30_000;
const terms = (workerId: string, now = NOW) => ({ workerId, now, until: now + LEASE_MS });

const stores = new TestStores();
const raw = new Redis(TEST_REDIS_URL);

afterEach(() => stores.cleanUp());

async function createTasks(store: RedisStore, count: number): Promise<TaskRecord[]> {
  const tasks = Array.from({ length: count }, (_, index) => sampleTask({ createdAt: 1_000 + index }));
  await store.createTasks(tasks.map((task) => ({ task, steps: sampleSteps(task.id) })));
  return tasks;
}

/** How many connections subscribe to the store's work channel. */
async function subscribers(prefix: string): Promise<number> {
  const [, count] = (await raw.pubsub('NUMSUB', `${prefix}work`)) as [string, number];
  return count;
}

describe('leases on Redis', () => {
  it('never leases one task twice to workers claiming at once on their own connections', async () => {
    const prefix = uniquePrefix();
    const workers = Array.from({ length: 4 }, () => stores.open(prefix));
    const ids = (await createTasks(workers[0]!, 200)).map((task) => task.id);
    const claimAll = async (store: RedisStore, workerId: string) => {
      const claimed: string[] = [];
      for (;;) {
        const { leases } = await store.claimTasks({ ...terms(workerId), limit: 7 });
        if (leases.length === 0) return claimed;
        claimed.push(...leases.map((lease) => lease.taskId));
      }
    };
    const claims = await Promise.all(workers.map((store, index) => claimAll(store, `w${index}`)));
    const all = claims.flat();
    expect(all.sort()).toEqual([...ids].sort());
    expect(claims.filter((claimed) => claimed.length > 0).length).toBeGreaterThan(1);
    expect((await workers[0]!.listWorkers(NOW)).reduce((sum, worker) => sum + worker.leases, 0)).toBe(200);
  });

  it('claims, renews and releases any number of leases in one command each', async () => {
    const store = stores.open();
    await createTasks(store, 50);
    await store.claimTasks({ ...terms('warm-up'), limit: 0 });
    await store.renewLeases('warm-up', [{ taskId: 'none', token: 1 }], NOW);
    await store.releaseLeases([{ taskId: 'none', token: 1 }]);
    const counted = async (operation: () => Promise<unknown>) => {
      const before = store.commandCount;
      await operation();
      return store.commandCount - before;
    };
    let leases = (await store.claimTasks({ ...terms('w1'), limit: 50 })).leases;
    expect(leases).toHaveLength(50);
    expect(await counted(() => store.claimTasks({ ...terms('w1', NOW + LEASE_MS), limit: 50 }))).toBe(1);
    leases = leases.map((lease) => ({ ...lease, token: 2 }));
    expect(await counted(() => store.renewLeases('w1', leases, NOW + 2 * LEASE_MS))).toBe(1);
    expect(await counted(() => store.releaseLeases(leases))).toBe(1);
    expect(await store.listWorkers(NOW)).toEqual([]);
  });

  it('answers a repeated batch with no fenced writes and applies none of it again', async () => {
    const store = stores.open();
    const [task] = await createTasks(store, 1);
    await store.claimTasks({ ...terms('w1'), limit: 1 });
    await store.claimTasks({ ...terms('w2', NOW + LEASE_MS), limit: 1 });
    const stale = [
      { taskId: task!.id, task: { state: 'in_progress' as const }, leaseToken: 1 },
      { taskId: task!.id, annotations: [{ taskId: task!.id, type: 'note', content: 1, createdAt: 1 }] },
    ];
    expect(await store.commit(stale, { id: 'batch' })).toEqual({ fenced: [task!.id] });
    expect(await store.commit(stale, { id: 'batch' })).toEqual({ fenced: [] });
    expect((await store.getTask(task!.id))?.state).toBe('pending');
    expect(await store.getAnnotations(task!.id)).toHaveLength(1);
  });

  it("makes a finished task retried under an operator's lease claimable again when that lease expires", async () => {
    const store = stores.open();
    const [task] = await createTasks(store, 1);
    const [lease] = (await store.claimTasks({ ...terms('w1'), limit: 1 })).leases;
    await store.commit([{ taskId: task!.id, task: { state: 'failed' }, leaseToken: lease!.token }]);
    const operator = await store.claimTask(task!.id, terms('operator'));
    expect(await store.claimTasks({ ...terms('w2', NOW + LEASE_MS), limit: 1 })).toEqual({ leases: [] });
    await store.commit([{ taskId: task!.id, task: { state: 'pending' }, leaseToken: operator!.token }]);
    const early = await store.claimTasks({ ...terms('w2'), limit: 1 });
    expect(early).toEqual({ leases: [], nextDueAt: NOW + LEASE_MS });
    expect((await store.claimTasks({ ...terms('w2', NOW + LEASE_MS), limit: 1 })).leases).toEqual([
      { taskId: task!.id, token: 3 },
    ]);
  });

  it('refuses a lease time or claim limit that is not a number, naming it, before storing anything', async () => {
    const store = stores.open();
    const task = sampleTask();
    const request = { task, steps: sampleSteps(task.id), lease: { workerId: 'w1', until: Number.NaN } };
    await expect(store.createTasks([request])).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('lease.until'),
    });
    expect(await store.getTask(task.id)).toBeUndefined();
    await expect(store.claimTasks({ workerId: 'w1', now: NOW, until: Infinity, limit: 1 })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('until'),
    });
    await expect(store.claimTasks({ ...terms('w1'), limit: Number.NaN })).rejects.toMatchObject({ field: 'limit' });
  });

  it('announces work over pub/sub on a connection of its own, closed by the stop function or by close()', async () => {
    const prefix = uniquePrefix();
    const client = new Redis(TEST_REDIS_URL);
    try {
      const store = stores.open(prefix, client);
      const creator = stores.open(prefix);
      let notified = 0;
      let arrived = () => {};
      const stop = await store.watchWork(() => {
        notified++;
        arrived();
      });
      expect(await subscribers(prefix)).toBe(1);
      const announced = new Promise<void>((resolve) => (arrived = resolve));
      await createTasks(creator, 1);
      await announced;
      expect(notified).toBe(1);
      await stop();
      expect(await subscribers(prefix)).toBe(0);

      await store.watchWork(() => undefined);
      await store.watchWork(() => undefined);
      expect(await subscribers(prefix)).toBe(2);
      await store.close();
      expect(await subscribers(prefix)).toBe(0);
      // The client the caller passed in stays open for its owner.
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });

  it('does not announce tasks created leased or finished', async () => {
    const prefix = uniquePrefix();
    const store = stores.open(prefix);
    const listener = new Redis(TEST_REDIS_URL);
    try {
      const messages: string[] = [];
      let markerArrived = () => {};
      listener.on('message', (_channel: string, message: string) => {
        messages.push(message);
        if (message === 'marker') markerArrived();
      });
      await listener.subscribe(`${prefix}work`);
      const marker = new Promise<void>((resolve) => (markerArrived = resolve));
      const leased = sampleTask();
      await store.createTasks([{ task: leased, steps: [], lease: { workerId: 'w1', until: NOW } }]);
      await store.createTask(sampleTask({ state: 'completed' }), []);
      await createTasks(store, 1);
      // Messages of one channel arrive in order: any about the first two tasks would come before the marker.
      await raw.publish(`${prefix}work`, 'marker');
      await marker;
      expect(messages).toEqual(['1', 'marker']);
    } finally {
      listener.disconnect();
    }
  });
});

afterAll(() => raw.quit());
