import { StepHandler, type StepContext } from '@tasker/core';
import type { Catalog } from '../services/catalog.js';

interface ValidatedCart {
  validated_items: Array<{ product_id: number; quantity: number }>;
  total: number;
}

/** Takes the ordered items out of stock. */
export class UpdateInventoryHandler extends StepHandler {
  constructor(private readonly catalog: Catalog) {
    super();
  }

  process(ctx: StepContext) {
    const cart = ctx.results<ValidatedCart>('validate_cart');
    for (const item of cart.validated_items) this.catalog.reserve(item.product_id, item.quantity);
    return { reserved: cart.validated_items.length };
  }
}

/** Records the order, tied to its payment. */
export class CreateOrderHandler extends StepHandler {
  process(ctx: StepContext) {
    const payment = ctx.results<{ payment_id: string }>('process_payment');
    return { order_id: `ord_${ctx.task.id.slice(0, 8)}`, payment_id: payment.payment_id };
  }
}

/** Sends the confirmation email (here: records that it would). */
export class SendConfirmationHandler extends StepHandler {
  readonly sent: string[] = [];

  process(ctx: StepContext) {
    const email = (ctx.task.context.customer_info as { email: string }).email;
    const order = ctx.results<{ order_id: string }>('create_order');
    this.sent.push(`${email}:${order.order_id}`);
    return { sent_to: email, order_id: order.order_id };
  }
}
