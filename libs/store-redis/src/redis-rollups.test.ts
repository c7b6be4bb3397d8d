import { durationBucket } from '@tasker/core';
import { expectRollupPercentilesOfLongDurations, sampleSteps, sampleTask } from '@tasker/core/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { luaInclude } from './lua-script.js';
import { TEST_REDIS_URL, uniquePrefix } from './test-fixtures/test-redis.js';
import { TestStores } from './test-fixtures/test-stores.js';

const stores = new TestStores();
afterEach(() => stores.cleanUp());

const MINUTE = 60_000;
const START = 1_750_000_020_000;

describe('analytics rollups on Redis', () => {
  it('buckets durations as durationBucket does (the SQL stores’ rollups are tested against it too)', async () => {
    const client = new Redis(TEST_REDIS_URL);
    try {
      const durations = [0, 7, 999, 1_000, 1_234, 9_999, 10_000, 56_789, 999_999, 1_000_001, 123_456_789_012];
      const buckets = await client.eval(
        `${luaInclude('rollup')}\nlocal out = {}\nfor i, d in ipairs(ARGV) do out[i] = tostring(duration_bucket(tonumber(d))) end\nreturn out`,
        0,
        ...durations.map(String),
      );
      expect((buckets as string[]).map(Number)).toEqual(durations.map(durationBucket));
    } finally {
      client.disconnect();
    }
  });

  it('gives percentiles of long durations within 1% under the exact ones, and exact counts and averages', async () => {
    const completedDurations = await expectRollupPercentilesOfLongDurations(stores.open(), START);
    for (const [exact, read] of [
      [1234, completedDurations.p50!],
      [1_000_001, completedDurations.p99!],
    ]) {
      expect(read).toBeLessThanOrEqual(exact!);
      expect(read).toBeGreaterThanOrEqual(exact! * 0.99);
    }
  });

  it("gives a new task's rollup and its minute's set a time to live of the longest period (7 days) and a minute", async () => {
    const prefix = uniquePrefix();
    const store = stores.open(prefix);
    const task = sampleTask({ createdAt: START });
    await store.createTask(task, sampleSteps(task.id));
    const client = new Redis(TEST_REDIS_URL);
    try {
      const keys = await client.keys(`${prefix}{*}rollup*`);
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        const ttl = await client.pttl(key);
        expect(ttl).toBeGreaterThan(7 * 24 * 60 * MINUTE);
        expect(ttl).toBeLessThanOrEqual(7 * 24 * 60 * MINUTE + MINUTE);
      }
    } finally {
      client.disconnect();
    }
  });
});
