import type { Knex } from 'knex';
import * as createShopTables from './001-create-shop-tables.js';
import * as refundsAndCancelledOrders from './002-refunds-and-cancelled-orders.js';
import * as salesSummaries from './003-sales-summaries.js';

interface ShopMigration extends Knex.Migration {
  name: string;
}

/** Every migration of the shop's tables, oldest first. Add `NNN-what-it-does.ts` beside this file and list it. */
const MIGRATIONS: readonly ShopMigration[] = [
  { name: '001-create-shop-tables', ...createShopTables },
  { name: '002-refunds-and-cancelled-orders', ...refundsAndCancelledOrders },
  { name: '003-sales-summaries', ...salesSummaries },
];

/** The migrations as imported modules, so that they run the same from sources and from a build. */
const migrationSource: Knex.MigrationSource<ShopMigration> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};

/**
 * Brings the shop's tables up to date. They have their own migrations table (`checkout_migrations`), apart from the
 * engine store's, so that each schema moves at its own pace in the same database.
 */
export async function migrateShop(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource, tableName: 'checkout_migrations' })) as [
    number,
    string[],
  ];
  return applied;
}
