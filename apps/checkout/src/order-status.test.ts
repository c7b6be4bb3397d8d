import { describe, expect, it } from 'vitest';
import { checkoutBody, postCheckout, settledStatus, TEST_SIMULATION, useTestApp } from './test-fixtures/test-app.js';

// A rate limit of a second keeps a tok_rate_limited checkout processing long enough to be seen so.
const test = useTestApp({ simulation: { ...TEST_SIMULATION, rateLimitRetryAfterMs: 1_000 } });

const status = async (taskId: string) => {
  const response = await fetch(`${test.url}/orders/${taskId}/status`);
  return { statusCode: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('POST /checkout and GET /orders/:task_id/status', () => {
  it('answers task_id, status, checkout_url and correlation_id, and reports processing while the task runs', async () => {
    const accepted = await postCheckout(test.url, checkoutBody('tok_rate_limited'), {
      'x-correlation-id': 'req_abc123',
    });
    const taskId = accepted.body.task_id as string;
    expect(accepted).toEqual({
      statusCode: 202,
      body: {
        task_id: taskId,
        status: 'pending',
        checkout_url: `/orders/${taskId}/status`,
        correlation_id: 'req_abc123',
      },
    });
    // The processor asked to come back in a second: the checkout is still running.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await status(taskId)).toEqual({
      statusCode: 200,
      body: { task_id: taskId, correlation_id: 'req_abc123', status: 'processing', current_state: 'in_progress' },
    });
    const settled = await settledStatus(test.url, taskId);
    expect(settled).toMatchObject({
      status: 'completed',
      correlation_id: 'req_abc123',
      order: { customer_email: 'sarah@growthcorp.example' },
    });
  });

  it('shows the order once completed', async () => {
    const { body } = await postCheckout(test.url, checkoutBody('tok_success'));
    const settled = await settledStatus(test.url, body.task_id as string);
    const order = await test.app.database.knex('orders').where({ task_id: body.task_id }).first();
    expect(settled.order).toEqual({
      order_id: order.id,
      payment_id: order.payment_id,
      customer_email: 'sarah@growthcorp.example',
      items: [
        { product_id: 1, name: 'Mechanical keyboard', quantity: 1, price: 89, line_total: 89 },
        { product_id: 3, name: 'Desk lamp', quantity: 2, price: 34.99, line_total: 69.98 },
      ],
      subtotal: 158.98,
      tax: 12.72,
      total: 171.7,
      created_at: new Date(Number(order.created_at)).toISOString(),
    });
  });

  it('shows the error summary and the correlation id once failed', async () => {
    const { body } = await postCheckout(test.url, checkoutBody('tok_insufficient_funds'), {
      'x-correlation-id': 'req_x',
    });
    expect(await settledStatus(test.url, body.task_id as string)).toMatchObject({
      status: 'failed',
      correlation_id: 'req_x',
      error: expect.stringContaining('insufficient funds'),
    });
  });

  it('answers 404 naming the task for an unknown id', async () => {
    expect(await status('00000000-0000-4000-8000-000000000000')).toEqual({
      statusCode: 404,
      body: {
        error: { code: 'TASK_NOT_FOUND', message: expect.stringContaining('00000000-0000-4000-8000-000000000000') },
      },
    });
  });

  it('refuses a malformed cart with 400 naming the field, and stores no task', async () => {
    const refused = await postCheckout(test.url, {
      ...checkoutBody('tok_success'),
      cart_items: [{ product_id: 1, quantity: 0 }],
    });
    expect(refused.statusCode).toBe(400);
    expect((refused.body.error as { message: string }).message).toContain('cart_items/0/quantity');
    const unknownToken = await postCheckout(test.url, checkoutBody('tok_stolen'));
    expect((unknownToken.body.error as { message: string }).message).toContain('payment_info/token');
    expect((await test.app.engine.listTasks({})).tasks).toEqual([]);
  });

  it('returns the first checkout for a repeated Idempotency-Key instead of charging again', async () => {
    const first = await postCheckout(test.url, checkoutBody('tok_success'), { 'idempotency-key': 'cart-42' });
    const again = await postCheckout(test.url, checkoutBody('tok_success'), { 'idempotency-key': 'cart-42' });
    expect(again).toMatchObject({ statusCode: 200, body: { task_id: first.body.task_id } });
    await settledStatus(test.url, first.body.task_id as string);
    expect(await test.app.database.knex('payments')).toHaveLength(1);
  });
});
