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

  it('refuses NUL characters and lone surrogates in every string of a path, query or body with 400 naming it', async () => {
    const taskId = '00000000-0000-4000-8000-000000000000';
    const cases: Array<[string, string, unknown?]> = [
      ['GET', '/tasker/tasks?namespace=a%00', undefined],
      ['GET', '/tasker/tasks?cursor=%00', undefined],
      ['GET', '/tasker/analytics/bottlenecks?task_name=%00', undefined],
      ['GET', `/tasker/tasks/${taskId}/steps/a%00b`, undefined],
      ['GET', '/tasker/namespaces/%00/templates', undefined],
      ['GET', '/tasker/namespaces/ecommerce/templates/process_order?version=%00', undefined],
      ['POST', '/tasker/tasks', { namespace: 'ecommerce', name: 'process_order', context: {}, reason: '\uD800' }],
      ['POST', `/tasker/tasks/${taskId}/cancel`, { reason: 'a\u0000' }],
    ];
    const fields = [];
    for (const [method, url, payload] of cases) {
      const answer = await api.call({
        method: method as 'GET',
        url,
        ...(payload ? { payload: payload as object } : {}),
      });
      expect([answer.statusCode, answer.json().error.code]).toEqual([400, 'INVALID_REQUEST']);
      fields.push(answer.json().error.fields[0]);
    }
    expect(fields.map((field) => field.field)).toEqual([
      'query.namespace',
      'query.cursor',
      'query.task_name',
      'params.stepName',
      'params.namespace',
      'query.version',
      'body.reason',
      'body.reason',
    ]);
    expect(fields[0].message).toBe('contains a NUL character (\\u0000)');
    expect(fields[6].message).toMatch(/lone surrogate/);
    expect((await store.listTasks()).tasks).toEqual([]);
  });

  it('refuses a body with a key twice in one object, at any depth, and accepts the same key in two objects', async () => {
    const json = { 'content-type': 'application/json' };
    const context = JSON.stringify(orderContext()).slice(1, -1);
    const twice = await create(
      `{"namespace":"ecommerce","namespace":"payments","name":"process_refund","context":{}}`,
      json,
    );
    expect(twice.json().error).toEqual({
      code: 'INVALID_REQUEST',
      message: 'body: key "namespace" appears twice in one object',
      fields: [{ field: 'body', message: 'key "namespace" appears twice in one object' }],
    });
    const nested = await create(
      `{"namespace":"ecommerce","name":"process_order","context":{${context},"note":{"a":[{"b":1,"b":2}]}}}`,
      json,
    );
    expect([nested.statusCode, nested.json().error.message]).toEqual([
      400,
      'body: key "b" appears twice in one object',
    ]);
    // The same key written with an escape is the same key.
    const escaped = await create(
      `{"namespace":"ecommerce","name":"process_order","na\\u006de":"process_order","context":{}}`,
      json,
    );
    expect(escaped.json().error.message).toBe('body: key "name" appears twice in one object');
    expect((await store.listTasks()).tasks).toEqual([]);
    const separate = await create(
      `{"namespace":"ecommerce","name":"process_order","context":{${context},"a":{"id":1},"b":{"id":2},"c":[{"id":3},{"id":4}]}}`,
      json,
    );
    expect(separate.statusCode).toBe(201);
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
