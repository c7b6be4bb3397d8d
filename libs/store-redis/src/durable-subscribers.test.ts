import { describeDurableSubscribers, describeWebhookDelivery } from '@tasker/core/testing';
import { afterAll } from 'vitest';
import { createRedisStore } from './create-redis-store.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from './test-fixtures/test-redis.js';

const prefix = uniquePrefix();

afterAll(async () => {
  await deleteKeys(TEST_REDIS_URL, [prefix]);
});

const openStore = async () => createRedisStore(TEST_REDIS_URL, { prefix });

describeDurableSubscribers('Redis', async () => ({ store: await openStore(), reopen: openStore }));
describeWebhookDelivery('Redis', openStore);
