import type { Knex } from 'knex';

/**
 * Refunds, one at most per charge: the payment id is unique, so a refund retried or raced under another key still
 * gives the money back once. Its own idempotency key is the compensating step's.
 */
export async function up(db: Knex): Promise<void> {
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
  await db.schema.dropTableIfExists('refunds');
}
