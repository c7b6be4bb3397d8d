import { createStoreFromUrl, type TaskStore } from '@tasker/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStore } from './redis-store.js';
import { CHAIN_STEPS, createChainEngine, runChain } from './test-fixtures/chain-engine.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from './test-fixtures/test-redis.js';

const prefixes: string[] = [];
const client = new Redis(TEST_REDIS_URL);

afterAll(async () => {
  client.disconnect();
  await deleteKeys(TEST_REDIS_URL, prefixes);
});

function freshPrefix(): string {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  return prefix;
}

async function runsATask(store: TaskStore): Promise<void> {
  const { engine } = createChainEngine({ store });
  await engine.start();
  try {
    const task = await engine.waitForTask(await runChain(engine), { timeoutMs: 10_000 });
    expect(task.steps.map((step) => step.state)).toEqual(CHAIN_STEPS.map(() => 'completed'));
  } finally {
    await engine.stop();
    await store.close();
  }
}

describe('createStoreFromUrl on Redis', () => {
  it('opens a redis:// URL migrated, under the prefix of its ?prefix=', async () => {
    const prefix = freshPrefix();
    const store = await createStoreFromUrl(`${TEST_REDIS_URL}/?prefix=${encodeURIComponent(prefix)}`);
    expect(store).toBeInstanceOf(RedisStore);
    expect((store as RedisStore).prefix).toBe(prefix);
    // migrate() records the data model's version under the prefix before any task is written.
    expect(await client.keys(`${prefix}*`)).not.toEqual([]);
    await runsATask(store);
  });

  it('takes the prefix option over the one in the URL, and leaves the store unmigrated when asked', async () => {
    const prefix = freshPrefix();
    const store = await createStoreFromUrl(`${TEST_REDIS_URL}/?prefix=ignored:`, { prefix, migrate: false });
    expect((store as RedisStore).prefix).toBe(prefix);
    expect(await client.keys(`${prefix}*`)).toEqual([]);
    await runsATask(store);
  });
});
