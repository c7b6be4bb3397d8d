import { describe, expect, it } from 'vitest';
import { postCheckout, settledStatus, stepOf, taskerTask, useTestApp } from './test-fixtures/test-app.js';

const test = useTestApp();

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
