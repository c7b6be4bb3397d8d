import { randomUUID } from 'node:crypto';
import { createMemoryStore } from '@tasker/core';
import { createRedisStore } from '@tasker/store-redis';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyEngine, startApi, type ApiHarness } from './test-fixtures/api-harness.js';
import { seedTask, type SeededStep, type SeededTask } from './test-fixtures/seed-activity.js';
import { useTestStores, type StoreMaker } from './test-fixtures/test-stores.js';

const NOW = 1_800_000_000_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const validated = (durationMs: number): SeededStep => ({
  name: 'validate_cart',
  state: 'completed',
  attempts: 1,
  durationMs,
});
const paid = (durationMs: number, attempts: number, errors: string[] = []): SeededStep => ({
  name: 'process_payment',
  state: 'completed',
  attempts,
  durationMs,
  errors,
});
const declined = (durationMs: number, errors: string[]): SeededStep => ({
  name: 'process_payment',
  state: 'failed',
  attempts: errors.length,
  durationMs,
  errors,
});

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisPrefix = `tasker-test:${randomUUID()}:`;
let redisStores = 0;
afterAll(async () => {
  const client = new Redis(REDIS_URL);
  const keys = await client.keys(`${redisPrefix}*`);
  if (keys.length > 0) await client.unlink(...keys);
  client.disconnect();
});

// The seed's durations keep three significant digits, so Redis's histograms answer them exactly too.
const stores: Array<[string, StoreMaker]> = [
  ...useTestStores(),
  ['memory', () => createMemoryStore()],
  ['Redis', () => createRedisStore(REDIS_URL, { prefix: `${redisPrefix}${++redisStores}:` })],
];

describe.each(stores)('analytics computed from the store on %s', (_name, makeStore) => {
  let api: ApiHarness;
  beforeEach(async () => {
    const store = makeStore();
    api = await startApi(store, { engine: emptyEngine(store), now: () => NOW });
    const seeds: SeededTask[] = [
      {
        createdAt: NOW - 30 * MINUTE,
        state: 'completed',
        durationMs: 100,
        steps: [validated(10), paid(1000, 2, ['Gateway timeout'])],
      },
      { createdAt: NOW - 40 * MINUTE, state: 'completed', durationMs: 200, steps: [validated(20), paid(2000, 1)] },
      {
        createdAt: NOW - 50 * MINUTE,
        state: 'failed',
        steps: [validated(50), declined(500, ['Gateway timeout', 'Card declined'])],
      },
      {
        createdAt: NOW - 2 * HOUR,
        state: 'completed',
        durationMs: 300,
        steps: [validated(30), paid(3000, 3, ['Gateway timeout', 'Gateway timeout'])],
      },
      { createdAt: NOW - 3 * HOUR, state: 'completed', durationMs: 400, steps: [validated(40), paid(4000, 1)] },
      { createdAt: NOW - 10 * HOUR, state: 'failed', steps: [validated(60), declined(100, ['Card declined'])] },
      {
        createdAt: NOW - 20 * HOUR,
        state: 'in_progress',
        steps: [{ name: 'validate_cart', state: 'in_progress', attempts: 1 }],
      },
      { createdAt: NOW - 30 * HOUR, state: 'completed', durationMs: 1_000_000, steps: [validated(99_900)] },
      {
        createdAt: NOW - 10 * MINUTE,
        state: 'completed',
        durationMs: 5000,
        version: '2.0.0',
        steps: [validated(7770)],
      },
      {
        createdAt: NOW - 10 * MINUTE,
        state: 'completed',
        durationMs: 50,
        namespace: 'payments',
        name: 'process_refund',
      },
    ];
    for (const seed of seeds) await seedTask(store, seed);
  });
  afterEach(async () => {
    await api.close();
  });

  it('gives throughput, rates, durations and the health score over the last 1, 4 and 24 hours', async () => {
    const answer = await api.call({ method: 'GET', url: '/tasker/analytics/performance' });
    expect(answer.statusCode).toBe(200);
    const { periods, system_health_score, generated_at } = answer.json();
    expect(generated_at).toBe(new Date(NOW).toISOString());
    expect(periods['1h']).toEqual({
      tasks_created: 5,
      tasks_completed: 4,
      tasks_failed: 1,
      tasks_cancelled: 0,
      tasks_resolved_manually: 0,
      tasks_unfinished: 0,
      throughput_per_hour: 4,
      completion_rate: 0.8,
      error_rate: 0.2,
      health_score: 0.8,
      task_duration_ms: { count: 4, avg: 1337.5, p50: 100, p95: 5000, p99: 5000 },
    });
    expect(periods['4h']).toMatchObject({
      tasks_created: 7,
      tasks_completed: 6,
      throughput_per_hour: 1.5,
      completion_rate: 6 / 7,
      error_rate: 1 / 7,
      health_score: 6 / 7,
      task_duration_ms: { count: 6, avg: 6050 / 6, p50: 200, p95: 5000, p99: 5000 },
    });
    expect(periods['24h']).toMatchObject({
      tasks_created: 9,
      tasks_completed: 6,
      tasks_failed: 2,
      tasks_unfinished: 1,
      throughput_per_hour: 0.25,
      completion_rate: 6 / 9,
      error_rate: 2 / 9,
      health_score: 0.75,
    });
    expect(system_health_score).toBe(0.75);
  });

  it('narrows performance to a namespace and version, and to what the token sees', async () => {
    const answer = await api.call({
      method: 'GET',
      url: '/tasker/analytics/performance?namespace=ecommerce&version=1.0.0',
    });
    expect(answer.json().filter).toEqual({ namespace: 'ecommerce', task_name: null, version: '1.0.0' });
    expect(answer.json().periods['1h']).toMatchObject({
      tasks_created: 3,
      tasks_completed: 2,
      health_score: 2 / 3,
      task_duration_ms: { count: 2, avg: 150, p50: 100, p95: 200, p99: 200 },
    });
    const scoped = await api.call(
      { method: 'GET', url: '/tasker/analytics/performance' },
      { namespaces: ['payments'] },
    );
    expect(scoped.json().periods['24h']).toMatchObject({ tasks_created: 1, tasks_completed: 1, health_score: 1 });
  });

  it("finds the seed's bottlenecks: slowest steps with percentiles, retry rates and most common errors", async () => {
    const answer = await api.call({
      method: 'GET',
      url: '/tasker/analytics/bottlenecks?namespace=ecommerce&task_name=process_order&version=1.0.0',
    });
    expect(answer.statusCode).toBe(200);
    const body = answer.json();
    expect(body).toMatchObject({ period: '24h', tasks_analyzed: 7 });
    expect(body.slowest_steps).toEqual([
      {
        namespace: 'ecommerce',
        task_name: 'process_order',
        step_name: 'process_payment',
        dependent_system: 'payment_gateway',
        executions: 6,
        duration_ms: { count: 6, avg: 10_600 / 6, p50: 1000, p95: 4000, p99: 4000 },
        attempts: 10,
        retries: 4,
        retry_rate: 0.4,
        failures: 2,
        most_common_errors: [
          { code: 'RETRYABLE_ERROR', message: 'Gateway timeout', count: 4 },
          { code: 'PERMANENT_ERROR', message: 'Card declined', count: 2 },
        ],
      },
      {
        namespace: 'ecommerce',
        task_name: 'process_order',
        step_name: 'validate_cart',
        dependent_system: null,
        executions: 7,
        duration_ms: { count: 6, avg: 35, p50: 30, p95: 60, p99: 60 },
        attempts: 7,
        retries: 0,
        retry_rate: 0,
        failures: 0,
        most_common_errors: [],
      },
    ]);
    expect(body.slowest_tasks).toEqual([
      {
        namespace: 'ecommerce',
        task_name: 'process_order',
        version: '1.0.0',
        duration_ms: { count: 4, avg: 250, p50: 200, p95: 400, p99: 400 },
      },
    ]);
  });

  it('looks back over the period asked for, and ranks templates by their slowest tasks', async () => {
    const lastHour = (
      await api.call({ method: 'GET', url: '/tasker/analytics/bottlenecks?namespace=ecommerce&period=1h&limit=1' })
    ).json();
    expect(lastHour.tasks_analyzed).toBe(4);
    expect(lastHour.slowest_steps.map((step: { step_name: string }) => step.step_name)).toEqual(['validate_cart']);
    expect(lastHour.slowest_steps[0].duration_ms).toEqual({ count: 4, avg: 7850 / 4, p50: 20, p95: 7770, p99: 7770 });
    expect(lastHour.slowest_tasks).toEqual([
      {
        namespace: 'ecommerce',
        task_name: 'process_order',
        version: '2.0.0',
        duration_ms: { count: 1, avg: 5000, p50: 5000, p95: 5000, p99: 5000 },
      },
    ]);
    const bad = await api.call({ method: 'GET', url: '/tasker/analytics/bottlenecks?period=2d&limit=0' });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .error.fields.map((field: { field: string }) => field.field)
        .sort(),
    ).toEqual(['query.limit', 'query.period']);
  });
});
