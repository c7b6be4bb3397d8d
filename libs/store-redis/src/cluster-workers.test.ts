import { describeDurableSubscribers, describeThrottlingAcrossWorkers } from '@tasker/core/testing';
import { afterAll, inject } from 'vitest';
import { createRedisStore } from './create-redis-store.js';
import { deleteKeys, uniquePrefix } from './test-fixtures/test-redis.js';

/** The suites of several engines (and a killed worker process) on one store, on the test run's Redis Cluster. */
const url = inject('redisClusterUrl');
const prefixes: string[] = [];
let prefix = '';

afterAll(() => deleteKeys(url, prefixes));

const openStore = async (at = prefix) => createRedisStore(url, { prefix: at });
const freshStore = async () => {
  prefix = uniquePrefix();
  prefixes.push(prefix);
  return openStore();
};

describeThrottlingAcrossWorkers('Redis Cluster', freshStore, () => ({ url, prefix }));
describeDurableSubscribers('Redis Cluster', async () => {
  const store = await freshStore();
  const at = prefix;
  return { store, reopen: () => openStore(at) };
});
