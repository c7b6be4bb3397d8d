import { StepHandler, type StepContext } from '@tasker/core';
import type { Knex } from 'knex';
import { createOrder } from '../database/orders.js';
import { checkoutContext, type ValidatedCart } from './checkout-context.js';

/** Where the shop's copy of every order confirmation goes. */
export const MERCHANT_EMAIL = 'orders@growthcorp.example';

/** Records the order, tied to its payment; a retried step finds the order it recorded before. */
export class CreateOrderHandler extends StepHandler {
  constructor(private readonly db: Knex) {
    super();
  }

  async process(ctx: StepContext) {
    const cart = ctx.results<ValidatedCart>('validate_cart');
    const payment = ctx.results<{ payment_id: string }>('process_payment');
    const customer = checkoutContext(ctx.task).customer_info;
    const order = await createOrder(this.db, {
      taskId: ctx.task.id,
      paymentId: payment.payment_id,
      customerEmail: customer.email,
      customerName: customer.name,
      items: cart.items,
      subtotalCents: cart.subtotal_cents,
      taxCents: cart.tax_cents,
      totalCents: cart.total_cents,
    });
    // Who is told of the order (template 1.2.0 sends one confirmation to each): the customer, and the shop.
    return { order_id: order.id, payment_id: order.paymentId, recipients: [customer.email, MERCHANT_EMAIL] };
  }
}
