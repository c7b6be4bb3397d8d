import type { Knex } from 'knex';
import type { Product } from './seed-products.js';

function toProduct(row: { id: number; name: string; price_cents: number; stock: number }): Product {
  return { id: Number(row.id), name: row.name, priceCents: Number(row.price_cents), stock: Number(row.stock) };
}

/** Every product, by id. */
export async function listProducts(db: Knex): Promise<Product[]> {
  return (await db('products').orderBy('id').select('id', 'name', 'price_cents', 'stock')).map(toProduct);
}

/** The products of `ids` that exist, by id. */
export async function findProducts(db: Knex, ids: readonly number[]): Promise<Map<number, Product>> {
  const rows = await db('products')
    .whereIn('id', [...new Set(ids)])
    .select('id', 'name', 'price_cents', 'stock');
  return new Map(rows.map((row) => [Number(row.id), toProduct(row)]));
}
