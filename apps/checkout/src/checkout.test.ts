import { describe, expect, it } from 'vitest';
import { createCheckoutEngine } from './checkout-engine.js';

const order = (token: string, priority = 'standard') => ({
  namespace: 'ecommerce',
  name: 'process_order',
  context: {
    cart_items: [{ product_id: 2, quantity: 2, price: 129.5 }],
    payment_info: { token, amount: 279.72 },
    customer_info: { email: 'sarah@growthcorp.example', name: 'Sarah' },
    priority,
  },
});

async function started() {
  const app = await createCheckoutEngine({ defaults: { backoff: { baseMs: 1, jitter: 0 } } });
  await app.engine.start();
  return app;
}

describe('the checkout app', () => {
  it('charges a flaky gateway once although the payment step runs three times', async () => {
    const { engine, payments, catalog, mailer } = await started();
    const { taskId } = await engine.runTask(order('tok_flaky'));
    const task = await engine.waitForTask(taskId, { timeoutMs: 5_000 });
    expect(task.state).toBe('completed');
    expect(task.steps.find((step) => step.name === 'validate_cart')?.results).toMatchObject({
      subtotal: 259,
      tax: 20.72,
      total: 279.72,
    });
    expect(task.steps.find((step) => step.name === 'process_payment')).toMatchObject({
      attempts: 3,
      state: 'completed',
    });
    expect(payments.charges).toBe(1);
    expect(catalog.find(2)?.stock).toBe(8);
    expect(mailer.sent).toEqual([`sarah@growthcorp.example:ord_${taskId.slice(0, 8)}`]);
    expect(task.annotations.map((annotation) => annotation.type)).toEqual(['payment_processed', 'checkout_completed']);
  });

  it('fails a declined card at once and touches neither stock nor mail', async () => {
    const { engine, payments, catalog, mailer } = await started();
    const { taskId } = await engine.runTask(order('tok_insufficient_funds'));
    const task = await engine.waitForTask(taskId, { timeoutMs: 5_000 });
    expect(task.state).toBe('failed');
    expect(task.errorMessage).toBe("Step 'process_payment' failed: Payment failed: insufficient funds");
    expect(payments.charges).toBe(0);
    expect(catalog.find(2)?.stock).toBe(10);
    expect(mailer.sent).toEqual([]);
  });

  it('gives express orders the seed’s shorter payment timeout and fewer retries', async () => {
    const { engine } = await started();
    const { taskId } = await engine.runTask(order('tok_success', 'express'));
    const settings = Object.fromEntries(
      (await engine.waitForTask(taskId)).steps.map((step) => [step.name, step.settings]),
    );
    expect(settings.process_payment).toMatchObject({ timeoutMs: 15_000, retryLimit: 1 });
    expect(settings.send_confirmation).toMatchObject({ retryLimit: 2 });
  });
});
