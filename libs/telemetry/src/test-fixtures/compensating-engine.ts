import { PermanentError, createEngine, type CompensationContext, type Engine, type EngineOptions } from '@tasker/core';

/** The template of {@link compensatingEngine}. */
export const SHOP_ORDER = { namespace: 'shop', name: 'order', context: {} };

/**
 * An engine (not started) whose `shop/order` task charges, then fails to ship for good, so the charge is refunded;
 * with `refundFails`, the refund fails for good too and the task ends `compensation_failed`.
 */
export function compensatingEngine(options: EngineOptions & { refundFails?: boolean } = {}): Engine {
  const engine = createEngine(options)
    .registerHandler('charge', () => ({ chargeId: 'ch_1' }))
    .registerHandler('ship', () => {
      throw new PermanentError('no carrier');
    })
    .registerHandler('refund', async (_ctx: CompensationContext) => {
      if (options.refundFails) throw new PermanentError('card closed');
    });
  engine.registerTemplate({
    namespace: 'shop',
    name: 'order',
    version: '1.0.0',
    steps: [
      { name: 'charge', handler: 'charge', compensate: { handler: 'refund' } },
      { name: 'ship', handler: 'ship', dependsOn: ['charge'] },
    ],
  });
  return engine;
}
