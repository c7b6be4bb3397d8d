import { afterEach, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';
import { orderContext } from './test-fixtures/checkout-engine.js';
import { useTestStores } from './test-fixtures/test-stores.js';

describe.each(useTestStores())('strings no store can keep, on %s', (_name, makeStore) => {
  let api: ApiHarness | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  /** POSTs `body` as JSON text, so that `\u0000` and lone surrogates arrive as they would from any client. */
  const post = (url: string, body: unknown) =>
    api!.call({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  const checkout = (context: object) =>
    post('/tasker/tasks', { namespace: 'ecommerce', name: 'process_order', context });

  it('answers 400 naming the field, stores nothing, and keeps serving other checkouts', async () => {
    api = await startApi(makeStore());
    const nul = await checkout({ ...orderContext(), customer_info: { email: 'a@example.com', name: '\u0000' } });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error).toMatchObject({
      code: 'INVALID_REQUEST',
      fields: [
        {
          field: 'context.customer_info.name',
          message: 'context.customer_info.name: contains a NUL character (\\u0000)',
        },
      ],
    });
    const surrogate = await checkout({ ...orderContext(), note: 'a\ud800' });
    expect([surrogate.statusCode, surrogate.json().error.fields[0].field]).toEqual([400, 'context.note']);
    expect((await api.store.listTasks()).tasks).toEqual([]);

    const declined = await checkout(orderContext({ token: 'tok_declined' }));
    const taskId = declined.json().task_id as string;
    expect((await api.engine.waitForTask(taskId, { timeoutMs: 10_000 })).state).toBe('failed');
    const cancel = await post(`/tasker/tasks/${taskId}/cancel`, { reason: 'bye\u0000' });
    // A reason is a string of the request's schema, refused there with the field's place in the request.
    expect([cancel.statusCode, cancel.json().error.fields[0].field]).toEqual([400, 'body.reason']);
    const resolve = await post(`/tasker/tasks/${taskId}/steps/process_payment/resolve`, {
      results: { payment_id: 'manual\u0000' },
    });
    expect([resolve.statusCode, resolve.json().error.fields[0].field]).toEqual([400, 'results.payment_id']);
    expect((await api.engine.getTask(taskId)).state).toBe('failed');

    const deep = `${'{"next":'.repeat(100)}{}${'}'.repeat(100)}`;
    const tooDeep = await api.call({
      method: 'POST',
      url: '/tasker/tasks',
      payload: `{"namespace":"ecommerce","name":"process_order","context":{"deep":${deep}}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect([tooDeep.statusCode, tooDeep.json().error.message]).toEqual([
      400,
      expect.stringContaining('nests deeper than 64 levels'),
    ]);

    const next = await checkout(orderContext());
    expect(next.statusCode).toBe(201);
    expect((await api.engine.waitForTask(next.json().task_id, { timeoutMs: 10_000 })).state).toBe('completed');
  });
});
