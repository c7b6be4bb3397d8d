import { StepHandler, type StepContext } from '@tasker/core';
import type { Mailer } from '../services/mailer.js';
import { asStepError } from './as-step-error.js';
import { checkoutContext } from './checkout-context.js';

/**
 * Sends the order confirmation email, once however often the step runs: to the customer, or (a map step, template
 * 1.2.0) to the recipient it is called for, each recipient once (the item's idempotency key).
 */
export class SendConfirmationHandler extends StepHandler {
  constructor(private readonly mailer: Mailer) {
    super();
  }

  async process(ctx: StepContext) {
    const { order_id: orderId } = ctx.results<{ order_id: number }>('create_order');
    const { email } = checkoutContext(ctx.task).customer_info;
    const to = typeof ctx.item === 'string' ? ctx.item : email;
    try {
      const { messageId } = await this.mailer.send({
        orderId,
        to,
        subject: to === email ? `Your order #${orderId} is confirmed` : `Order #${orderId} is confirmed (for ${email})`,
        idempotencyKey: ctx.idempotencyKey,
        reference: ctx.task.id,
        signal: ctx.signal,
      });
      return { message_id: messageId, sent_to: to, order_id: orderId };
    } catch (error) {
      throw asStepError(error, 'Confirmation email failed', 'Mailer temporarily unavailable');
    }
  }
}
