import { CompensationHandler, type CompensationContext, type JsonObject } from '@tasker/core';
import type { PaymentProcessor } from '../services/payment-processor.js';
import { asStepError } from './as-step-error.js';

/**
 * Undoes `process_payment`: refunds the charge made with the step's idempotency key. A payment whose outcome is
 * uncertain (timed out, cancelled mid-call) may have charged or not; a key never charged refunds nothing.
 */
export class RefundPaymentHandler extends CompensationHandler {
  constructor(private readonly payments: PaymentProcessor) {
    super();
  }

  async compensate(ctx: CompensationContext): Promise<JsonObject> {
    try {
      const refund = await this.payments.refund({
        chargeKey: `${ctx.task.id}:${ctx.step.name}`,
        idempotencyKey: ctx.idempotencyKey,
        reference: ctx.task.id,
        signal: ctx.signal,
      });
      if (!refund) {
        ctx.log.info({ outcome: ctx.step.outcome }, 'No charge to refund');
        return { refunded: false };
      }
      ctx.log.info({ refund_id: refund.id, payment_id: refund.paymentId }, 'Payment refunded');
      return { refunded: true, refund_id: refund.id, payment_id: refund.paymentId, amount: refund.amountCents / 100 };
    } catch (error) {
      throw asStepError(error, 'Refund failed', 'Payment processor temporarily unavailable');
    }
  }
}
