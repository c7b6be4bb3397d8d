import { describe, expect, it } from 'vitest';
import { MERCHANT_EMAIL } from './handlers/create-order.js';
import { checkoutBody, postCheckout, settledStatus, stepOf, taskerTask, useTestApp } from './test-fixtures/test-app.js';

const test = useTestApp();

async function checkout(token: string) {
  const accepted = await postCheckout(test.url, checkoutBody(token));
  expect(accepted.statusCode).toBe(202);
  const taskId = accepted.body.task_id as string;
  const status = await settledStatus(test.url, taskId);
  const task = await taskerTask(test.url, taskId);
  const payment = stepOf(task, 'process_payment');
  const charges = await test.app.database.knex('payments').where({ reference: taskId });
  return { taskId, status, task, payment, charges };
}

const stockOf = async (productId: number) =>
  Number((await test.app.database.knex('products').where({ id: productId }).first('stock')).stock);

describe('each test token over HTTP', () => {
  it('tok_success charges once, moves stock, records the order and sends one email to each recipient', async () => {
    const { taskId, status, payment, charges } = await checkout('tok_success');
    expect(status).toMatchObject({ status: 'completed', order: { subtotal: 158.98, tax: 12.72, total: 171.7 } });
    expect(payment).toMatchObject({ current_state: 'completed', attempts: 1 });
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({
      amount_cents: 17_170,
      token: 'tok_success',
      idempotency_key: `${taskId}:process_payment`,
    });
    expect([await stockOf(1), await stockOf(3)]).toEqual([24, 38]);
    const emails = await test.app.database.knex('sent_emails').where({ reference: taskId });
    expect(emails.map((email) => email.recipient).sort()).toEqual([MERCHANT_EMAIL, 'sarah@growthcorp.example']);
  });

  it('tok_insufficient_funds fails at once with the error summary, and charges, moves and mails nothing', async () => {
    const { taskId, status, payment, charges } = await checkout('tok_insufficient_funds');
    expect(status).toEqual({
      task_id: taskId,
      correlation_id: expect.any(String),
      status: 'failed',
      error: "Step 'process_payment' failed: Payment failed: payment processor: card declined: insufficient funds",
      failed_step: 'process_payment',
    });
    expect(payment).toMatchObject({ current_state: 'failed', attempts: 1 });
    expect(charges).toEqual([]);
    expect([await stockOf(1), await stockOf(3)]).toEqual([25, 40]);
    expect(await test.app.database.knex('sent_emails')).toEqual([]);
  });

  it('tok_timeout times the first attempt out after the money moved, and the retry finds that charge', async () => {
    const { status, task, payment, charges } = await checkout('tok_timeout');
    expect(status.status).toBe('completed');
    expect(payment).toMatchObject({ current_state: 'completed', attempts: 2 });
    const retry = task.history.find(
      (entry) => entry.step_name === 'process_payment' && entry.to_state === 'waiting_for_retry',
    );
    expect(retry?.error_code).toBe('STEP_TIMEOUT');
    expect(charges).toHaveLength(1);
    expect((status.order as { payment_id: string }).payment_id).toBe(charges[0].id);
  });

  it('tok_rate_limited waits the retry-after the processor asked for, then charges', async () => {
    const { task, payment, charges } = await checkout('tok_rate_limited');
    expect(payment).toMatchObject({ current_state: 'completed', attempts: 2 });
    const paymentStarts = task.history.filter(
      (entry) => entry.step_name === 'process_payment' && entry.to_state === 'in_progress',
    );
    const [first, second] = paymentStarts.map((entry) => Date.parse(entry.at));
    expect(second! - first!).toBeGreaterThanOrEqual(150);
    expect(charges).toHaveLength(1);
  });

  it('tok_flaky fails twice, succeeds on the third attempt and charges once', async () => {
    const { status, payment, charges } = await checkout('tok_flaky');
    expect(status.status).toBe('completed');
    expect(payment).toMatchObject({ current_state: 'completed', attempts: 3 });
    expect(charges).toHaveLength(1);
  });
});
