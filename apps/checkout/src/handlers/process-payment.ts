import { PermanentError, RetryableError, StepHandler, type StepContext } from '@tasker/core';
import type { PaymentProcessor } from '../services/payment-processor.js';

/** Charges the cart's total; the step's idempotency key makes a retried charge a no-op at the processor. */
export class ProcessPaymentHandler extends StepHandler {
  constructor(private readonly payments: PaymentProcessor) {
    super();
  }

  async process(ctx: StepContext) {
    const { total } = ctx.results<{ total: number }>('validate_cart');
    const token = (ctx.task.context.payment_info as { token: string }).token;
    ctx.log.info({ amount: total }, 'Processing payment');
    const result = await this.payments.charge({ amount: total, token, idempotencyKey: ctx.idempotencyKey });
    if (!result.ok) {
      if (!result.retryable) throw new PermanentError(`Payment failed: ${result.error}`, { code: 'PAYMENT_DECLINED' });
      throw new RetryableError(`Payment temporarily failed: ${result.error}`, {
        ...(result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }),
      });
    }
    return { payment_id: result.id, amount_charged: result.amount, processed_at: new Date().toISOString() };
  }
}
