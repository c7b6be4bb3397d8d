import { describe, expect, it } from 'vitest';
import { postCheckout, settledStatus, stepOf, taskerTask, useTestApp } from './test-fixtures/test-app.js';

const test = useTestApp({ review: { reviewAbove: 1_000, reviewTimeoutMs: 60_000 } });

const sarah = { email: 'sarah@growthcorp.example', name: 'Sarah' };
/** Six headphones: 1,194.00 before tax, above the review threshold. */
const largeCart = [{ product_id: 4, quantity: 6 }];

async function untilReviewWaits(taskId: string) {
  await expect
    .poll(async () => stepOf(await taskerTask(test.url, taskId), 'review_order').current_state, { interval: 10 })
    .toBe('waiting');
}

const review = (taskId: string, payload: unknown) =>
  fetch(`${test.url}/tasker/tasks/${taskId}/signals/review`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });

describe('the fraud review of large orders', () => {
  it('passes an order under the threshold at once', async () => {
    const { body } = await postCheckout(test.url, {
      cart_items: [{ product_id: 1, quantity: 1 }],
      payment_info: { token: 'tok_success' },
      customer_info: sarah,
    });
    const taskId = body.task_id as string;
    expect(await settledStatus(test.url, taskId)).toMatchObject({ status: 'completed' });
    const task = await taskerTask(test.url, taskId);
    expect(task.version).toBe('1.2.0');
    expect(stepOf(task, 'review_order').results).toMatchObject({ review: 'not_needed' });
  });

  it('holds a large order before the charge until a reviewer approves it', async () => {
    const { body } = await postCheckout(test.url, {
      cart_items: largeCart,
      payment_info: { token: 'tok_success' },
      customer_info: sarah,
    });
    const taskId = body.task_id as string;
    await untilReviewWaits(taskId);
    const waiting = stepOf(await taskerTask(test.url, taskId), 'review_order');
    expect(waiting.waiting_for).toMatchObject({ signal: 'review' });
    expect(await test.app.database.knex('payments')).toEqual([]);
    // The schema the template gives the signal refuses a decision without `approved`.
    const malformed = await review(taskId, { reviewer: 'ana' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('INVALID_SIGNAL');
    expect((await review(taskId, { approved: true, reviewer: 'ana' })).status).toBeLessThan(300);
    expect(await settledStatus(test.url, taskId)).toMatchObject({ status: 'completed' });
    const task = await taskerTask(test.url, taskId);
    expect(stepOf(task, 'review_order').results).toMatchObject({ review: 'approved', reviewer: 'ana' });
    expect(await test.app.database.knex('payments').where({ reference: taskId })).toHaveLength(1);
  });

  it('fails a rejected order for good without charging it', async () => {
    const { body } = await postCheckout(test.url, {
      cart_items: largeCart,
      payment_info: { token: 'tok_success' },
      customer_info: sarah,
    });
    const taskId = body.task_id as string;
    await untilReviewWaits(taskId);
    await review(taskId, { approved: false, reviewer: 'ana', note: 'stolen card' });
    const settled = await settledStatus(test.url, taskId);
    expect(settled).toMatchObject({ status: 'failed', failed_step: 'review_order' });
    expect(settled.error).toContain('Order rejected in fraud review by ana: stolen card');
    expect(await test.app.database.knex('payments')).toEqual([]);
  });
});
