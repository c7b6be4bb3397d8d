import { describe, expect, it } from 'vitest';
import {
  postCheckout,
  settledStatus,
  stepOf,
  taskerTask,
  TEST_SIMULATION,
  useTestApp,
} from './test-fixtures/test-app.js';

// The processor's rate limit holds the payment for a second: time to empty the shelf behind the cart's back.
const test = useTestApp({ simulation: { ...TEST_SIMULATION, rateLimitRetryAfterMs: 1_000 } });

/** Moves the stock of product 2 by `delta`, with its movement, as a warehouse adjustment would. */
async function adjustDockStock(delta: number) {
  const db = test.app.database.knex;
  await db('products').where({ id: 2 }).increment('stock', delta);
  await db('inventory_movements').insert({ product_id: 2, quantity_delta: delta, reason: 'adjustment', created_at: 0 });
}

describe('the seed’s failure: payment succeeds, then the inventory update fails', () => {
  it('records where it stopped, and a retry through /tasker finishes the order without charging again', async () => {
    const { body } = await postCheckout(test.url, {
      cart_items: [{ product_id: 2, quantity: 10 }],
      payment_info: { token: 'tok_rate_limited' },
      customer_info: { email: 'sarah@growthcorp.example', name: 'Sarah' },
    });
    const taskId = body.task_id as string;
    await expect
      .poll(async () => stepOf(await taskerTask(test.url, taskId), 'process_payment').current_state, { interval: 10 })
      .toBe('waiting_for_retry');
    await adjustDockStock(-10);

    const failed = await settledStatus(test.url, taskId);
    expect(failed).toMatchObject({ status: 'failed', failed_step: 'update_inventory' });
    expect(failed.error).toContain('insufficient stock of product 2');
    const charges = await test.app.database.knex('payments').where({ reference: taskId });
    expect(charges).toHaveLength(1);

    await adjustDockStock(10);
    const retried = await fetch(`${test.url}/tasker/tasks/${taskId}/retry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'restocked' }),
    });
    expect(retried.status).toBe(200);
    const completed = await settledStatus(test.url, taskId);
    expect(completed).toMatchObject({ status: 'completed', order: { payment_id: charges[0].id } });
    const task = await taskerTask(test.url, taskId);
    expect(stepOf(task, 'process_payment').attempts).toBe(2);
    expect(await test.app.database.knex('payments').where({ reference: taskId })).toHaveLength(1);
    expect((await test.app.database.knex('products').where({ id: 2 }).first('stock')).stock).toBe(0);
  });
});
