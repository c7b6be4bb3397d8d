import { describe, expect, it } from 'vitest';
import { EXPRESS_PRIORITY } from './http/checkout-route.js';
import { MERCHANT_EMAIL } from './handlers/create-order.js';
import { checkoutBody, postCheckout, settledStatus, stepOf, taskerTask, useTestApp } from './test-fixtures/test-app.js';

const test = useTestApp();

async function settle(token: string, priority: 'standard' | 'express') {
  const { body } = await postCheckout(test.url, checkoutBody(token, { priority }));
  const status = await settledStatus(test.url, body.task_id as string);
  return { status, task: await taskerTask(test.url, body.task_id as string) };
}

describe('express orders', () => {
  it('get a shorter payment timeout and fewer payment and email retries, and are claimed first', async () => {
    const standard = await settle('tok_success', 'standard');
    const express = await settle('tok_success', 'express');
    expect([standard.task.priority, express.task.priority]).toEqual([0, EXPRESS_PRIORITY]);
    expect(stepOf(standard.task, 'process_payment')).toMatchObject({ timeout_ms: 2_000, retry_limit: 3 });
    expect(stepOf(express.task, 'process_payment')).toMatchObject({ timeout_ms: 1_000, retry_limit: 1 });
    expect(stepOf(standard.task, 'send_confirmation')).toMatchObject({ retry_limit: 5 });
    expect(stepOf(express.task, 'send_confirmation')).toMatchObject({ retry_limit: 2 });
  });

  it('ship express where a standard order ships standard (a decision step), the other branch skipped', async () => {
    const standard = await settle('tok_success', 'standard');
    const express = await settle('tok_success', 'express');
    const shipping = (task: typeof standard.task) =>
      ['ship_express', 'ship_standard'].map((name) => stepOf(task, name).current_state);
    expect(shipping(standard.task)).toEqual(['skipped', 'completed']);
    expect(shipping(express.task)).toEqual(['completed', 'skipped']);
    expect(stepOf(express.task, 'ship_express').results).toMatchObject({ service: 'express', eta_days: 1 });
    expect(stepOf(express.task, 'choose_shipping').results).toEqual({ activate: ['ship_express'] });
    // The join after either branch: one confirmation to each recipient, a map step's items.
    const confirmation = stepOf(express.task, 'send_confirmation');
    expect(confirmation).toMatchObject({ current_state: 'completed', items: { total: 2, completed: 2 } });
    expect((confirmation.results as Array<{ sent_to: string }>).map((sent) => sent.sent_to)).toEqual([
      'sarah@growthcorp.example',
      MERCHANT_EMAIL,
    ]);
  });

  it('give up on a flaky card after two attempts where a standard order gets through on the third', async () => {
    const standard = await settle('tok_flaky', 'standard');
    const express = await settle('tok_flaky', 'express');
    expect(standard.status.status).toBe('completed');
    expect(express.status).toMatchObject({ status: 'failed', failed_step: 'process_payment' });
    expect(stepOf(express.task, 'process_payment').attempts).toBe(2);
  });
});

describe('annotations of the task handler', () => {
  it('records payment_processed and checkout_completed on a completed checkout', async () => {
    const { status, task } = await settle('tok_success', 'standard');
    const order = status.order as { payment_id: string; total: number };
    expect(task.annotations.map((annotation) => [annotation.annotation_type, annotation.content])).toEqual([
      [
        'payment_processed',
        { payment_id: order.payment_id, amount_charged: order.total, processing_time_ms: expect.any(Number) },
      ],
      [
        'checkout_completed',
        { total_duration_ms: expect.any(Number), steps_completed: 9, customer_email: 'sarah@growthcorp.example' },
      ],
    ]);
  });

  it('records neither on a declined card', async () => {
    const { task } = await settle('tok_insufficient_funds', 'standard');
    expect(task.annotations).toEqual([]);
  });
});

describe('the CheckoutMonitor', () => {
  it('logs payment failures with their correlation id and counts completed checkouts', async () => {
    await settle('tok_success', 'standard');
    const declined = await settle('tok_insufficient_funds', 'standard');
    await settle('tok_flaky', 'standard');
    const stats = await (await fetch(`${test.url}/stats`)).json();
    // One checkout at a time, all for the default merchant: never two charges of it in flight.
    expect(stats).toEqual({
      completed_checkouts: 2,
      payment_failures: 1,
      peak_payments_in_flight_by_merchant: { growthcorp: 1 },
    });
    const alerts = test.logs.filter((line) => line.subscriber === 'CheckoutMonitor' && line.level === 50);
    expect(alerts).toEqual([
      expect.objectContaining({
        task_id: declined.status.task_id,
        correlation_id: declined.task.correlation_id,
        msg: expect.stringMatching(/^Payment failure in checkout: .*insufficient funds/),
      }),
    ]);
  });
});
