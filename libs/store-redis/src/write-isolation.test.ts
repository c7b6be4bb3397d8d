import { describeWriteIsolation } from '@tasker/core/testing';
import { afterAll } from 'vitest';
import { createRedisStore } from './create-redis-store.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from './test-fixtures/test-redis.js';

const prefixes: string[] = [];

afterAll(async () => {
  await deleteKeys(TEST_REDIS_URL, prefixes);
});

// Redis keeps any bytes: what it cannot take is what JSON encoding refuses on the way, a BigInt.
describeWriteIsolation(
  'Redis',
  async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const store = createRedisStore(TEST_REDIS_URL, { prefix });
    await store.migrate();
    return store;
  },
  10n,
);
