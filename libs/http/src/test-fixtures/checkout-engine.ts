import { readFileSync } from 'node:fs';
import {
  createEngine,
  PermanentError,
  TaskHandler,
  type CompensationContext,
  type Engine,
  type EngineOptions,
  type TaskStore,
} from '@tasker/core';
import { parseTemplate } from '@tasker/template';

const SEED_TEMPLATE = readFileSync(
  new URL('../../../../config/tasker/tasks/ecommerce/order_processing_handler.yaml', import.meta.url),
  'utf8',
);

/** A context the seed's schema accepts. */
export function orderContext(overrides: { token?: string } = {}) {
  return {
    cart_items: [{ product_id: 1, quantity: 2, price: 9.5 }],
    payment_info: { token: overrides.token ?? 'tok_ok', amount: 19 },
    customer_info: { email: 'sarah@example.com', name: 'Sarah' },
  };
}

/**
 * An engine running the seed's checkout template (`ecommerce/process_order@1.0.0`, from the repo's YAML) and a
 * one-step `payments/process_refund@1.0.0` whose step publishes the custom event `refund_issued`. Payment with token `tok_declined` fails permanently; `tok_flaky`
 * fails its first attempt and then succeeds. Retries wait 1 ms. `options` add to or replace the engine's.
 */
export function checkoutEngine(store: TaskStore, options: Omit<EngineOptions, 'store'> = {}): Engine {
  const engine = createEngine({ store, defaults: { backoff: { baseMs: 1, maxMs: 2, jitter: 0 } }, ...options });
  engine.registerHandler('Ecommerce::OrderProcessingHandler', class extends TaskHandler {});
  engine.registerHandler('Ecommerce::StepHandlers::ValidateCartHandler', async () => ({ total: 20.52 }));
  engine.registerHandler('Ecommerce::StepHandlers::ProcessPaymentHandler', async (ctx) => {
    const token = (ctx.task.context.payment_info as { token: string }).token;
    if (token === 'tok_declined') throw new PermanentError('Card declined');
    if (token === 'tok_flaky' && ctx.step.attempt === 1) throw new Error('Gateway timeout');
    return { payment_id: 'pi_1234', amount_charged: 20.52 };
  });
  engine.registerHandler('Ecommerce::StepHandlers::UpdateInventoryHandler', async () => ({ updated: true }));
  engine.registerHandler('Ecommerce::StepHandlers::CreateOrderHandler', async () => ({ order_id: 'ord_1' }));
  engine.registerHandler('Ecommerce::StepHandlers::SendConfirmationHandler', async () => ({ sent: true }));
  // The template undoes a failed or cancelled checkout with these; the API's tests only need them to exist.
  for (const name of ['RefundPayment', 'RestockInventory', 'CancelOrder']) {
    engine.registerHandler(name, async (_ctx: CompensationContext) => null);
  }
  engine.registerHandler('Refund', async (ctx) => {
    ctx.publish('refund_issued', { refund_id: 're_1' });
    return { refunded: true };
  });
  engine.registerTemplate(parseTemplate(SEED_TEMPLATE, { env: 'test' }));
  engine.registerTemplate({
    namespace: 'payments',
    name: 'process_refund',
    version: '1.0.0',
    customEvents: ['refund_issued'],
    steps: [{ name: 'refund', handler: 'Refund' }],
  });
  return engine;
}
