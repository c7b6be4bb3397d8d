import { createMemoryStore, type TaskStore } from '@tasker/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_ERROR_STATUS } from './index.js';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';
import { orderContext } from './test-fixtures/checkout-engine.js';

describe('errors of the HTTP layer', () => {
  let store: TaskStore;
  let api: ApiHarness;
  beforeEach(async () => {
    store = createMemoryStore();
    api = await startApi(store, { bodyLimitBytes: 2_048, rateLimit: { max: 5, timeWindowMs: 60_000 } });
  });
  afterEach(async () => {
    await api.close();
  });
  const create = (payload: unknown, headers: Record<string, string> = {}) =>
    api.call({ method: 'POST', url: '/tasker/tasks', payload: payload as string, headers });

  it('answers 413 for a body over the limit and 415 for a body that is not JSON, storing nothing', async () => {
    const big = {
      namespace: 'ecommerce',
      name: 'process_order',
      context: { ...orderContext(), note: 'x'.repeat(4_000) },
    };
    const tooLarge = await create(big);
    expect([tooLarge.statusCode, tooLarge.json().error.code]).toEqual([413, 'BODY_TOO_LARGE']);
    const text = await create('namespace=ecommerce', { 'content-type': 'text/plain' });
    expect([text.statusCode, text.json().error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const broken = await create('{"namespace": ', { 'content-type': 'application/json' });
    expect([broken.statusCode, broken.json().error.code]).toEqual([400, 'INVALID_REQUEST']);
    const poisoned = await create('{"__proto__": {"admin": true}, "namespace": "ecommerce"}', {
      'content-type': 'application/json',
    });
    expect(poisoned.statusCode).toBe(400);
    expect((await store.listTasks()).tasks).toEqual([]);
  });

  it('answers 429 once a client has created its share of tasks in the window', async () => {
    const payload = { namespace: 'payments', name: 'process_refund', context: {} };
    const answers = [];
    for (let request = 0; request < 6; request++) answers.push(await create(payload));
    expect(answers.map((answer) => answer.statusCode)).toEqual([201, 201, 201, 201, 201, 429]);
    expect(answers[5]!.json().error).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/try again/),
    });
    expect((await api.call({ method: 'GET', url: '/tasker/tasks' })).statusCode).toBe(200);
    expect((await store.listTasks()).tasks).toHaveLength(5);
  });

  it('maps every code to one status', () => {
    expect(API_ERROR_STATUS).toMatchObject({
      INVALID_REQUEST: 400,
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      TASK_NOT_FOUND: 404,
      INVALID_TRANSITION: 409,
      BODY_TOO_LARGE: 413,
      RATE_LIMITED: 429,
      STORE_UNAVAILABLE: 503,
    });
  });
});
