import { describeThrottlingAcrossWorkers } from '@tasker/core/testing';
import { afterAll } from 'vitest';
import { createRedisStore } from './create-redis-store.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from './test-fixtures/test-redis.js';

const prefixes: string[] = [];
let prefix = '';

afterAll(async () => {
  await deleteKeys(TEST_REDIS_URL, prefixes);
});

describeThrottlingAcrossWorkers(
  'Redis',
  async () => {
    prefix = uniquePrefix();
    prefixes.push(prefix);
    return createRedisStore(TEST_REDIS_URL, { prefix });
  },
  () => ({ url: TEST_REDIS_URL, prefix }),
);
