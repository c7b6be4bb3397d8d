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
    /** The prefix's keys by name, without the prefix and hash tag (`<prefix>{<prefix><part>}<name>`). */
    const keysNow = async () =>
      (await client.keys(`${store.prefix}*`)).map((key) => key.slice(key.indexOf('}') + 1)).sort();
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
        items: [
          {
            taskId: task.id,
            stepName: 'validate_cart',
            index: 0,
            state: 'completed',
            attempts: 1,
            budgetBase: 0,
            updatedAt: 10,
          },
        ],
      },
    ]);
    expect(await store.countStepItems(task.id, 'validate_cart')).toEqual({ completed: 1 });
    expect(await store.purgeTasks([task.id])).toEqual([task.id]);

    // The stream, the batch record, the outbox's counter and positions outlive the task (shared by every task), and
    // so do the analytics rollups of its minute: figures describe what ran.
    const left = (await keysNow()).filter((key) => !sharedKeys.includes(key));
    expect(left.map((key) => key.replace(/:.*$/, ''))).toEqual([
      'commit',
      'events',
      'outbox-positions',
      'outbox-seq',
      'rollup',
      'rollups',
    ]);
    expect(await client.xlen((await client.keys(`${store.prefix}*events`))[0]!)).toBe(0);
    expect((await client.keys(`${store.prefix}*`)).filter((key) => key.includes('idempotency'))).toEqual([]);
  } finally {
    client.disconnect();
  }
});
