import { describe, expect, it } from 'vitest';
import {
  postCheckout,
  settledStatus,
  startTestApp,
  stepOf,
  taskerTask,
  TEST_SIMULATION,
  useTestApp,
} from './test-fixtures/test-app.js';

// The processor's rate limit holds a payment for a second: time to empty a shelf behind the cart's back.
const test = useTestApp({ simulation: { ...TEST_SIMULATION, rateLimitRetryAfterMs: 1_000 } });

const sarah = { email: 'sarah@growthcorp.example', name: 'Sarah' };

describe('a cart whose lines of one product together exceed its stock', () => {
  it('is refused for good at validate_cart, naming the product, and nothing is charged or taken', async () => {
    // The USB-C dock has 10 in stock: each line fits, the two together do not.
    const { body } = await postCheckout(test.url, {
      cart_items: [
        { product_id: 2, quantity: 6 },
        { product_id: 2, quantity: 6 },
      ],
      payment_info: { token: 'tok_success' },
      customer_info: sarah,
    });
    const taskId = body.task_id as string;
    const settled = await settledStatus(test.url, taskId);
    expect(settled).toMatchObject({ status: 'failed', failed_step: 'validate_cart' });
    expect(settled.error).toContain('Insufficient stock for USB-C dock (product 2): the cart asks 12, 10 in stock');
    const task = await taskerTask(test.url, taskId);
    // Permanent: no retry of a cart that cannot fit.
    expect(stepOf(task, 'validate_cart').attempts).toBe(1);
    expect(stepOf(task, 'process_payment').attempts).toBe(0);
    const db = test.app.database.knex;
    expect(await db('payments')).toEqual([]);
    expect((await db('products').where({ id: 2 }).first('stock')).stock).toBe(10);
  });
});

describe('the seed’s failure: a checkout whose stock is taken by another order after it was charged', () => {
  it('fails for good at update_inventory and refunds the charge; a retry is refused with 409', async () => {
    const { body } = await postCheckout(test.url, {
      cart_items: [{ product_id: 2, quantity: 4 }],
      payment_info: { token: 'tok_rate_limited' },
      customer_info: sarah,
    });
    const taskId = body.task_id as string;
    await expect
      .poll(async () => stepOf(await taskerTask(test.url, taskId), 'process_payment').current_state, { interval: 10 })
      .toBe('waiting_for_retry');
    // Another order takes 8 of the 10 docks between validate_cart and update_inventory.
    const db = test.app.database.knex;
    await db('products').where({ id: 2 }).decrement('stock', 8);
    await db('inventory_movements').insert({ product_id: 2, quantity_delta: -8, reason: 'sale', created_at: 0 });

    const settled = await settledStatus(test.url, taskId);
    const [charge] = await db('payments').where({ reference: taskId });
    const [refund] = await db('refunds').where({ reference: taskId });
    expect(settled).toMatchObject({
      status: 'refunded',
      task_state: 'failed',
      failed_step: 'update_inventory',
      error: expect.stringContaining('insufficient stock of product 2'),
      refund: { refund_id: refund.id, payment_id: charge.id, amount: 559.44 },
    });
    expect(refund).toMatchObject({ payment_id: charge.id, amount_cents: charge.amount_cents });
    expect(await db('orders').where({ task_id: taskId })).toEqual([]);
    const task = await taskerTask(test.url, taskId);
    expect(task.current_state).toBe('failed');
    expect(stepOf(task, 'process_payment').current_state).toBe('compensated');
    expect(stepOf(task, 'update_inventory').current_state).toBe('failed');
    expect(stepOf(task, 'create_order').current_state).toBe('pending');
    // The failed reservation took nothing, so nothing is put back.
    expect((await db('products').where({ id: 2 }).first('stock')).stock).toBe(2);
    expect(await db('inventory_movements').where({ reference: taskId })).toEqual([]);

    // The money is back: the template does not let a compensated checkout start over (it would charge again).
    const retried = await fetch(`${test.url}/tasker/tasks/${taskId}/retry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'restocked' }),
    });
    expect(retried.status).toBe(409);
    expect(await db('payments').where({ reference: taskId })).toHaveLength(1);
    expect(await settledStatus(test.url, taskId)).toMatchObject({ status: 'refunded' });
  });
});

describe('a tok_timeout checkout cancelled while the processor holds its answer', () => {
  it('refunds the charge the aborted payment made: its outcome was uncertain', async () => {
    const { body } = await postCheckout(test.url, {
      cart_items: [{ product_id: 1, quantity: 1 }],
      payment_info: { token: 'tok_timeout' },
      customer_info: sarah,
    });
    const taskId = body.task_id as string;
    const db = test.app.database.knex;
    // The charge is made; the processor's answer is still minutes away.
    await expect.poll(async () => (await db('payments').where({ reference: taskId })).length, { interval: 10 }).toBe(1);
    const cancelled = await fetch(`${test.url}/tasker/tasks/${taskId}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'the shopper changed her mind' }),
    });
    expect(cancelled.status).toBe(200);

    const settled = await settledStatus(test.url, taskId);
    const [charge] = await db('payments').where({ reference: taskId });
    const [refund] = await db('refunds').where({ reference: taskId });
    expect(settled).toMatchObject({
      status: 'refunded',
      task_state: 'cancelled',
      refund: { refund_id: refund.id, payment_id: charge.id, amount: 96.12 },
    });
    const task = await taskerTask(test.url, taskId);
    expect(stepOf(task, 'process_payment').current_state).toBe('compensated');
    expect(await db('orders').where({ task_id: taskId })).toEqual([]);
    expect((await db('products').where({ id: 1 }).first('stock')).stock).toBe(25);
  });
});

describe('a checkout cancelled while its confirmation is sent', () => {
  it('undoes all it did: the order marked cancelled, the stock put back, the charge refunded', async () => {
    // Every service call takes 300 ms: time to cancel while the mailer works.
    const slow = await startTestApp({ simulation: { ...TEST_SIMULATION, latencyMs: { min: 300, max: 300 } } });
    try {
      const { body } = await postCheckout(slow.url, {
        cart_items: [{ product_id: 4, quantity: 2 }],
        payment_info: { token: 'tok_success' },
        customer_info: sarah,
      });
      const taskId = body.task_id as string;
      await expect
        .poll(async () => stepOf(await taskerTask(slow.url, taskId), 'send_confirmation').current_state, {
          interval: 10,
          timeout: 10_000,
        })
        .toBe('in_progress');
      const cancelled = await fetch(`${slow.url}/tasker/tasks/${taskId}/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'the shopper changed her mind' }),
      });
      expect(cancelled.status).toBe(200);

      const settled = await settledStatus(slow.url, taskId);
      const db = slow.app.database.knex;
      const [refund] = await db('refunds').where({ reference: taskId });
      expect(settled).toMatchObject({ status: 'refunded', task_state: 'cancelled', refund: { refund_id: refund.id } });
      const task = await taskerTask(slow.url, taskId);
      expect(
        ['process_payment', 'update_inventory', 'create_order'].map((name) => stepOf(task, name).current_state),
      ).toEqual(['compensated', 'compensated', 'compensated']);
      const [order] = await db('orders').where({ task_id: taskId });
      expect(order.cancelled_at).not.toBeNull();
      expect((await db('products').where({ id: 4 }).first('stock')).stock).toBe(15);
      expect(
        await db('inventory_movements').where({ reference: taskId }).orderBy('id').select('reason', 'quantity_delta'),
      ).toEqual([
        { reason: 'sale', quantity_delta: -2 },
        { reason: 'return', quantity_delta: 2 },
      ]);
    } finally {
      await slow.close();
    }
  });
});
