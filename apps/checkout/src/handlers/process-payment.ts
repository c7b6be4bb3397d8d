import { StepHandler, type StepContext } from '@tasker/core';
import type { PaymentProcessor } from '../services/payment-processor.js';
import { asStepError } from './as-step-error.js';
import { checkoutContext, DEFAULT_MERCHANT, type ValidatedCart } from './checkout-context.js';

/** Charges the cart's total; the step's idempotency key makes a retried charge a no-op at the processor. */
export class ProcessPaymentHandler extends StepHandler {
  constructor(private readonly payments: PaymentProcessor) {
    super();
  }

  async process(ctx: StepContext) {
    const totals = ctx.results<ValidatedCart>('validate_cart');
    const context = checkoutContext(ctx.task);
    const { token } = context.payment_info;
    ctx.log.info({ amount: totals.total }, 'Processing payment');
    try {
      const charge = await this.payments.charge({
        token,
        amountCents: totals.total_cents,
        merchantId: context.merchant_id ?? DEFAULT_MERCHANT,
        idempotencyKey: ctx.idempotencyKey,
        reference: ctx.task.id,
        signal: ctx.signal,
      });
      ctx.log.info({ payment_id: charge.id, amount_charged: charge.amountCents / 100 }, 'Payment processed');
      return {
        payment_id: charge.id,
        amount_charged: charge.amountCents / 100,
        processed_at: new Date().toISOString(),
      };
    } catch (error) {
      throw asStepError(error, 'Payment failed', 'Payment temporarily failed');
    }
  }
}
