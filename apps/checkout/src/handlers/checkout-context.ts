import type { OrderItem } from '../database/orders.js';
import type { TestToken } from '../services/payment-processor.js';

/** The merchant of a checkout that names none: the storefront's own shop. */
export const DEFAULT_MERCHANT = 'growthcorp';

/**
 * A checkout task's context, as `POST /checkout` builds it (the seed's schema, plus `priority` and `merchant_id`, by
 * which payments are limited: at most 5 at once and 100 a minute per merchant).
 */
export interface CheckoutContext {
  merchant_id?: string;
  cart_items: Array<{ product_id: number; quantity: number; price?: number }>;
  payment_info: { token: TestToken; amount?: number };
  customer_info: { email: string; name: string };
  priority?: 'standard' | 'express';
}

/**
 * What `validate_cart` answers: the seed's fields in currency units, and the exact totals in cents. A type alias
 * rather than an interface, so that it is assignable to the JSON a step returns.
 */
export type ValidatedCart = {
  validated_items: Array<{ product_id: number; name: string; price: number; quantity: number; line_total: number }>;
  subtotal: number;
  tax: number;
  total: number;
  items: OrderItem[];
  subtotal_cents: number;
  tax_cents: number;
  total_cents: number;
};

/** The checkout context of a step's task. */
export function checkoutContext(task: { context: object }): CheckoutContext {
  return task.context as CheckoutContext;
}
