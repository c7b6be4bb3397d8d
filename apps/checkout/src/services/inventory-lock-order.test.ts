import { freshPostgresDatabase, type TestDatabase } from '@tasker/store-knex/testing';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateShop } from '../database/migrations/migrate-shop.js';
import { seedProducts } from '../database/seed-products.js';
import { TEST_SIMULATION } from '../test-fixtures/test-app.js';
import { InventoryService } from './inventory-service.js';
import { ServiceSimulation } from './service-simulation.js';

/** Every order of the four demo products: carts listing the same products, each its own way. */
const ORDERS = [
  [1, 2, 3, 4],
  [4, 3, 2, 1],
  [2, 4, 1, 3],
  [3, 1, 4, 2],
];

describe('the inventory service on PostgreSQL, with carts listing the same products in different orders', () => {
  let database: TestDatabase;
  let db: Knex;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    db = knexFactory({ client: 'pg', connection: database.url, pool: { min: 0, max: 20 } });
    await migrateShop(db);
    await seedProducts(
      db,
      [1, 2, 3, 4].map((id) => ({ id, name: `Product ${id}`, priceCents: 100, stock: 1_000 })),
    );
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  it('reserves every cart without a deadlock, and takes the stock once per cart', async () => {
    // No latency: the transactions overlap as tightly as the pool allows.
    const inventory = new InventoryService(
      db,
      new ServiceSimulation({ ...TEST_SIMULATION, latencyMs: { min: 0, max: 0 } }),
    );
    // 200 carts, each listing all four products in one of the orders and its first product a second time (a cart
    // may list a product on two lines: its quantities count together).
    const carts = Array.from({ length: 50 }, () => ORDERS.map((order) => [...order, ...order.slice(0, 1)])).flat();
    const outcomes = await Promise.allSettled(
      carts.map((productIds, index) =>
        inventory.reserve({
          idempotencyKey: `task-${index}:update_inventory`,
          reference: `task-${index}`,
          signal: new AbortController().signal,
          items: productIds.map((productId) => ({ productId, quantity: 1 })),
        }),
      ),
    );
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [String(outcome.reason)] : []));
    expect(refused).toEqual([]);
    const taken = (productId: number) => carts.flat().filter((id) => id === productId).length;
    const stock = await db('products').orderBy('id').pluck('stock');
    expect(stock.map(Number)).toEqual([1, 2, 3, 4].map((productId) => 1_000 - taken(productId)));
    // One sale movement per product of each cart, its two lines of one product as one.
    expect(await db('inventory_movements').where({ reason: 'sale' })).toHaveLength(carts.length * 4);
  });
});
