import { PermanentError, StepHandler, type StepContext } from '@tasker/core';
import type { Catalog } from '../services/catalog.js';

/** Money is rounded to cents at every step, so totals add up the way a receipt does. */
const cents = (amount: number) => Math.round(amount * 100) / 100;

interface CartItem {
  product_id: number;
  quantity: number;
}

/** Checks every item exists and is in stock, and computes the totals (8% tax, as the seed does). */
export class ValidateCartHandler extends StepHandler {
  constructor(private readonly catalog: Catalog) {
    super();
  }

  process(ctx: StepContext) {
    const items = ctx.task.context.cart_items as unknown as CartItem[];
    const validated = items.map((item) => {
      const product = this.catalog.find(item.product_id);
      if (!product) throw new PermanentError(`Product ${item.product_id} not found`);
      if (product.stock < item.quantity) throw new PermanentError(`Insufficient stock for ${product.name}`);
      return {
        product_id: product.id,
        name: product.name,
        price: product.price,
        quantity: item.quantity,
        line_total: cents(product.price * item.quantity),
      };
    });
    const subtotal = cents(validated.reduce((sum, item) => sum + item.line_total, 0));
    const tax = cents(subtotal * 0.08);
    return { validated_items: validated, subtotal, tax, total: cents(subtotal + tax) };
  }
}
