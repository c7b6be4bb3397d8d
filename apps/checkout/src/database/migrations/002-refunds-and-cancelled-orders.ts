import type { Knex } from 'knex';

/**
 * Refunds, one at most per charge: the payment id is unique, so a refund retried or raced under another key still
 * gives the money back once. Its own idempotency key is the compensation's. And when an order was cancelled: a
 * checkout cancelled after its order was recorded keeps the row, marked, beside its refund. And voided payments and reservations.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('orders', (table) => {
    table.bigInteger('cancelled_at');
  });
  // A refund that finds no charge voids the charge's key with a row of its own (amount 0), which a charge still on
  // its way then meets in the key's unique index and is refused.
  await db.schema.alterTable('payments', (table) => {
    table.bigInteger('voided_at');
  });
  // One row per reservation key, written first in the reservation's transaction: a restock that finds none writes
  // it voided instead, and a reservation still in flight either holds it first (the restock waits for its commit
  // and puts its movements back) or meets the void and is refused.
  await db.schema.createTable('inventory_reservations', (table) => {
    table.string('idempotency_key', 200).primary();
    table.string('state', 10).notNullable();
    table.bigInteger('created_at').notNullable();
  });
  await db.schema.createTable('refunds', (table) => {
    table.string('id', 64).primary();
    table.string('payment_id', 64).notNullable().unique().references('id').inTable('payments');
    table.string('idempotency_key', 200).notNullable().unique();
    table.string('reference', 64).notNullable().index();
    table.integer('amount_cents').notNullable();
    table.bigInteger('created_at').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('inventory_reservations');
  await db.schema.dropTableIfExists('refunds');
  await db.schema.alterTable('orders', (table) => {
    table.dropColumn('cancelled_at');
  });
  await db.schema.alterTable('payments', (table) => {
    table.dropColumn('voided_at');
  });
}
