import { describeDeadlines } from '@tasker/core/testing';
import { afterAll } from 'vitest';
import { createRedisStore } from './create-redis-store.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from './test-fixtures/test-redis.js';

const prefixes: string[] = [];

afterAll(async () => {
  await deleteKeys(TEST_REDIS_URL, prefixes);
});

describeDeadlines('Redis', async () => {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  return createRedisStore(TEST_REDIS_URL, { prefix });
});
