import { startWebhookReceiver, type WebhookReceiver } from '@tasker/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';
import { checkoutEngine, orderContext } from './test-fixtures/checkout-engine.js';
import { useTestStores } from './test-fixtures/test-stores.js';

describe.each(useTestStores())('the webhook delivery log over the REST API on %s', (_name, makeStore) => {
  let api: ApiHarness;
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    // The receiver fails the first delivery with a 500: the log then holds a retried try and a delivered one.
    receiver = await startWebhookReceiver((_request, index) => (index === 0 ? 500 : 200));
    const store = makeStore();
    const webhooks = [
      {
        name: 'orders',
        url: receiver.url,
        events: ['task.completed' as const],
        secret: 's3cret',
        retry: { baseMs: 5 },
      },
    ];
    api = await startApi(store, { engine: checkoutEngine(store, { webhooks }) });
  });
  afterEach(async () => {
    await api.close();
    await receiver.close();
  });

  const deliveries = (query = '', claims = {}) =>
    api.call({ method: 'GET', url: `/tasker/webhooks/deliveries${query}` }, claims);

  it('lists every try of a delivery, newest first, with its outcome and status', async () => {
    const created = await api.call({
      method: 'POST',
      url: '/tasker/tasks',
      payload: { namespace: 'ecommerce', name: 'process_order', context: orderContext() },
    });
    expect(created.statusCode).toBe(201);
    while (receiver.received.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));

    let body = (await deliveries('?webhook=orders')).json();
    while (body.deliveries.length < 2) body = (await deliveries('?webhook=orders')).json();
    expect(body.deliveries).toMatchObject([
      { webhook: 'orders', event_type: 'task.completed', attempt: 2, outcome: 'delivered', status: 200, error: null },
      { webhook: 'orders', event_type: 'task.completed', attempt: 1, outcome: 'retrying', status: 500 },
    ]);
    const eventId = body.deliveries[0].event_id;
    expect((await deliveries(`?event_id=${eventId}&limit=1`)).json().deliveries).toHaveLength(1);
    expect((await deliveries('?webhook=another')).json()).toEqual({ deliveries: [] });
  });

  it('needs webhooks:read and a token of every namespace, and refuses a bad limit naming it', async () => {
    expect((await deliveries('', { permissions: ['tasks:read'] })).statusCode).toBe(403);
    const scoped = await deliveries('', { namespaces: ['ecommerce'] });
    expect(scoped.statusCode).toBe(403);
    expect(scoped.json().error.message).toContain('every namespace');
    const badLimit = await deliveries('?limit=0');
    expect(badLimit.statusCode).toBe(400);
    expect(JSON.stringify(badLimit.json())).toContain('limit');
  });
});
