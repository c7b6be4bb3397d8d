import { createEngine, RetryableError, type Engine, type EngineOptions, type RunTaskRequest } from '@tasker/core';

/** The seed's checkout steps, each depending on the one before. */
export const CHECKOUT_STEPS = [
  'validate_cart',
  'process_payment',
  'update_inventory',
  'create_order',
  'send_confirmation',
] as const;

/** A request for one checkout. */
export const CHECKOUT: RunTaskRequest = { namespace: 'ecommerce', name: 'process_order', context: { cart_items: [] } };

/**
 * An engine with the seed's checkout template `ecommerce/process_order@1.0.0`, where the payment gateway times
 * out on the first `paymentFailures` calls (a retryable error), then succeeds; `create_order` publishes the custom
 * event `order_created`, which telemetry must tell from transitions. Backoff is `backoffMs`, no jitter.
 */
export function checkoutEngine(options: EngineOptions & { paymentFailures?: number; backoffMs?: number } = {}): Engine {
  const { paymentFailures = 0, backoffMs = 1, ...engineOptions } = options;
  let paymentCalls = 0;
  const engine = createEngine({
    ...engineOptions,
    defaults: { ...engineOptions.defaults, backoff: { baseMs: backoffMs, factor: 1, maxMs: backoffMs, jitter: 0 } },
  });
  for (const step of CHECKOUT_STEPS) {
    engine.registerHandler(step, (ctx) => {
      if (step === 'create_order') ctx.publish('order_created', { order_id: 'ord_1' });
      if (step === 'process_payment' && ++paymentCalls <= paymentFailures) {
        throw new RetryableError('Payment gateway timeout');
      }
      return { step };
    });
  }
  return engine.registerTemplate({
    namespace: 'ecommerce',
    name: 'process_order',
    version: '1.0.0',
    customEvents: ['order_created'],
    steps: CHECKOUT_STEPS.map((name, index) => ({
      name,
      handler: name,
      ...(index > 0 ? { dependsOn: [CHECKOUT_STEPS[index - 1]!] } : {}),
    })),
  });
}
