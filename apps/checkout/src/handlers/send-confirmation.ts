import { StepHandler, type StepContext } from '@tasker/core';
import type { Mailer } from '../services/mailer.js';
import { asStepError } from './as-step-error.js';
import { checkoutContext } from './checkout-context.js';

/** Sends the order confirmation email, once however often the step runs. */
export class SendConfirmationHandler extends StepHandler {
  constructor(private readonly mailer: Mailer) {
    super();
  }

  async process(ctx: StepContext) {
    const { order_id: orderId } = ctx.results<{ order_id: number }>('create_order');
    const { email } = checkoutContext(ctx.task).customer_info;
    try {
      const { messageId } = await this.mailer.send({
        orderId,
        to: email,
        subject: `Your order #${orderId} is confirmed`,
        idempotencyKey: ctx.idempotencyKey,
        reference: ctx.task.id,
        signal: ctx.signal,
      });
      return { message_id: messageId, sent_to: email, order_id: orderId };
    } catch (error) {
      throw asStepError(error, 'Confirmation email failed', 'Mailer temporarily unavailable');
    }
  }
}
