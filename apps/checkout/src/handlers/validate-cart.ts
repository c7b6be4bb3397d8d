import { PermanentError, StepHandler, type StepContext } from '@tasker/core';
import type { Knex } from 'knex';
import { findProducts } from '../database/products.js';
import { quantityPerProduct } from '../services/quantity-per-product.js';
import { checkoutContext, type ValidatedCart } from './checkout-context.js';

/** The seed's tax rate. */
const TAX_RATE = 0.08;

const units = (cents: number) => cents / 100;

/**
 * Checks every item exists and the stock holds what the cart asks of each product (the sum of its lines, since two
 * lines that each fit may not fit together), and computes the totals in cents (8% tax, as the seed does).
 */
export class ValidateCartHandler extends StepHandler {
  constructor(private readonly db: Knex) {
    super();
  }

  async process(ctx: StepContext): Promise<ValidatedCart> {
    const cart = checkoutContext(ctx.task).cart_items;
    const products = await findProducts(
      this.db,
      cart.map((item) => item.product_id),
    );
    const productOf = (productId: number) => {
      const product = products.get(productId);
      if (!product) throw new PermanentError(`Product ${productId} not found`);
      return product;
    };
    const asked = quantityPerProduct(cart.map((item) => ({ productId: item.product_id, quantity: item.quantity })));
    for (const { productId, quantity } of asked) {
      const product = productOf(productId);
      if (product.stock < quantity) {
        throw new PermanentError(
          `Insufficient stock for ${product.name} (product ${productId}): the cart asks ${quantity}, ${product.stock} in stock`,
        );
      }
    }
    const items = cart.map((item) => {
      const product = productOf(item.product_id);
      return {
        product_id: product.id,
        name: product.name,
        quantity: item.quantity,
        price_cents: product.priceCents,
        line_total_cents: product.priceCents * item.quantity,
      };
    });
    const subtotalCents = items.reduce((sum, item) => sum + item.line_total_cents, 0);
    const taxCents = Math.round(subtotalCents * TAX_RATE);
    return {
      validated_items: items.map((item) => ({
        product_id: item.product_id,
        name: item.name,
        price: units(item.price_cents),
        quantity: item.quantity,
        line_total: units(item.line_total_cents),
      })),
      subtotal: units(subtotalCents),
      tax: units(taxCents),
      total: units(subtotalCents + taxCents),
      items,
      subtotal_cents: subtotalCents,
      tax_cents: taxCents,
      total_cents: subtotalCents + taxCents,
    };
  }
}
