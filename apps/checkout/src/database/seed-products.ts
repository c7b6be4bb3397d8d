import type { Knex } from 'knex';

/** A product the shop sells. */
export interface Product {
  id: number;
  name: string;
  priceCents: number;
  stock: number;
}

/** What the storefront sells on a fresh database. */
export const DEMO_PRODUCTS: readonly Product[] = [
  { id: 1, name: 'Mechanical keyboard', priceCents: 8_900, stock: 25 },
  { id: 2, name: 'USB-C dock', priceCents: 12_950, stock: 10 },
  { id: 3, name: 'Desk lamp', priceCents: 3_499, stock: 40 },
  { id: 4, name: 'Noise-cancelling headphones', priceCents: 19_900, stock: 15 },
];

/**
 * Puts `products` in an empty catalogue, each with a restock movement of its initial stock (so that stock always
 * equals the sum of the product's movements). Leaves a catalogue that has products as it is.
 * @returns how many products were added.
 */
export async function seedProducts(db: Knex, products: readonly Product[] = DEMO_PRODUCTS): Promise<number> {
  return db.transaction(async (trx) => {
    const [{ count }] = (await trx('products').count({ count: '*' })) as [{ count: number | string }];
    if (Number(count) > 0) return 0;
    const now = Date.now();
    await trx('products').insert(
      products.map((product) => ({
        id: product.id,
        name: product.name,
        price_cents: product.priceCents,
        stock: product.stock,
      })),
    );
    await trx('inventory_movements').insert(
      products.map((product) => ({
        product_id: product.id,
        quantity_delta: product.stock,
        reason: 'restock',
        created_at: now,
      })),
    );
    return products.length;
  });
}
