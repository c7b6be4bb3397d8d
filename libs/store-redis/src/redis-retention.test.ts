import { sampleEvent, sampleSteps, sampleTask } from '@tasker/core/testing';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { TEST_REDIS_URL } from './test-fixtures/test-redis.js';
import { TestStores } from './test-fixtures/test-stores.js';

const stores = new TestStores();
afterEach(() => stores.cleanUp());

it("leaves no key and no index member of a purged task behind, only the prefix's shared keys", async () => {
  const store = stores.open();
  const client = new Redis(TEST_REDIS_URL);
  try {
    const keysNow = async () => (await client.keys(`${store.prefix}*`)).sort();
    await store.migrate();
    const sharedKeys = await keysNow();

    const task = sampleTask({ idempotencyKey: 'order-7' });
    await store.createTask(task, sampleSteps(task.id));
    await store.sendSignal({ taskId: task.id, name: 'approved', payload: true, sentAt: 1 });
    await store.commit([
      {
        taskId: task.id,
        task: { state: 'completed', updatedAt: 10 },
        transitions: [{ taskId: task.id, from: 'in_progress', to: 'completed', by: 'engine', at: 10 }],
        annotations: [{ taskId: task.id, type: 'audit', content: 1, createdAt: 10 }],
        snapshot: { machineVersion: 1, state: {} },
        events: [sampleEvent(task.id, 'step.completed', 10)],
      },
    ]);
    expect(await store.purgeTasks([task.id])).toEqual([task.id]);

    // The stream, the batch record and the analytics rollups of the task's minute outlive the task (shared by every
    // task; rollups count what ran and expire on their own); the stream is empty.
    const left = (await keysNow()).filter((key) => !sharedKeys.includes(key));
    expect(left.map((key) => key.slice(store.prefix.length).replace(/:.*$/, ''))).toEqual([
      'commit',
      'events',
      'rollup',
      'rollups',
    ]);
    expect(await client.xlen(`${store.prefix}events`)).toBe(0);
  } finally {
    client.disconnect();
  }
});

it('indexes the tasks that finished before the retention index existed when it migrates, once', async () => {
  const store = stores.open();
  const client = new Redis(TEST_REDIS_URL);
  try {
    await store.migrate();
    const done = sampleTask({ state: 'failed', updatedAt: 50 });
    const running = sampleTask();
    await store.createTasks([done, running].map((task) => ({ task, steps: sampleSteps(task.id) })));
    // As a prefix written before the index: no index, no record of having built it.
    await client.del(`${store.prefix}idx:finished:failed`, `${store.prefix}retention-indexed`);
    const expired = () => store.listExpiredTasks({ state: 'failed', before: 100, limit: 10 });
    expect(await expired()).toEqual([]);

    await store.migrate();
    expect(await expired()).toEqual([
      {
        id: done.id,
        namespace: done.namespace,
        name: done.name,
        version: done.version,
        state: 'failed',
        finishedAt: 50,
      },
    ]);
    expect(await client.exists(`${store.prefix}retention-indexed`)).toBe(1);
    expect(await store.purgeTasks([done.id])).toEqual([done.id]);
  } finally {
    client.disconnect();
  }
});
