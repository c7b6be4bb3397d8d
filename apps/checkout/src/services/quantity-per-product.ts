/** A quantity of a product, as a cart line or a stock movement names it. */
export interface ProductQuantity {
  productId: number;
  quantity: number;
}

/**
 * The summed quantity of each product over `items`, in ascending product id: lines of one product count together,
 * and whoever locks products in this order locks them in the same order as everyone else.
 */
export function quantityPerProduct(items: Iterable<ProductQuantity>): ProductQuantity[] {
  const quantities = new Map<number, number>();
  for (const item of items) quantities.set(item.productId, (quantities.get(item.productId) ?? 0) + item.quantity);
  return [...quantities]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((left, right) => left.productId - right.productId);
}
