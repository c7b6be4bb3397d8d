import type { TaskWrite } from '@tasker/core';
import { sampleSteps, sampleTask } from '@tasker/core/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStore } from './create-redis-store.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from './test-fixtures/test-redis.js';

const prefix = uniquePrefix();

afterAll(async () => {
  await deleteKeys(TEST_REDIS_URL, [prefix]);
});

/** The error `promise` fails with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('the store took it'),
    (error: unknown) => error,
  );
}

const resultWrite = (taskId: string, results: unknown): TaskWrite => ({
  taskId,
  steps: [{ name: 'validate_cart', results: results as never }],
});

describe('classifying the failures of Redis', () => {
  // Redis keeps any bytes (results travel as strings inside the script's argument): only encoding refuses data.
  it('calls data JSON encoding refuses rejected, a missing task lost, a closed connection transient', async () => {
    const store = createRedisStore(TEST_REDIS_URL, { prefix });
    try {
      const task = sampleTask();
      await store.createTask(task, sampleSteps(task.id));
      expect(store.classifyError(await failure(store.commit([resultWrite(task.id, { n: 10n })])))).toBe('rejected');
      expect(store.classifyError(await failure(store.commit([resultWrite('no-such-task', 1)])))).toBe('lost');
      expect((await store.getSteps(task.id))[0]?.results).toBeUndefined();
    } finally {
      await store.close();
    }
    const closed = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
    const offline = createRedisStore(closed, { prefix });
    closed.disconnect();
    expect(offline.classifyError(await failure(offline.getTask('any')))).toBe('transient');
  });
});
