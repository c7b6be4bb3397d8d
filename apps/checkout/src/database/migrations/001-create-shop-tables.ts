import type { Knex } from 'knex';

/**
 * The shop's tables. Money is in cents. Every write of a simulated service carries the idempotency key of the step
 * that made it, unique, so that a retried step finds its earlier write instead of repeating it, and `reference`,
 * the checkout (task id) it belongs to, as a merchant's metadata on a charge would.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('products', (table) => {
    table.integer('id').primary();
    table.string('name', 200).notNullable();
    table.integer('price_cents').notNullable();
    table.integer('stock').notNullable();
  });
  await db.schema.createTable('payments', (table) => {
    table.string('id', 64).primary();
    // The processor deduplicates charges by this key: a second insert with it is refused by the database.
    table.string('idempotency_key', 200).notNullable().unique();
    table.string('reference', 64).notNullable().index();
    table.string('token', 64).notNullable();
    table.integer('amount_cents').notNullable();
    table.bigInteger('created_at').notNullable();
  });
  await db.schema.createTable('orders', (table) => {
    table.increments('id').primary();
    table.string('task_id', 64).notNullable().unique();
    table.string('payment_id', 64).notNullable().unique().references('id').inTable('payments');
    table.string('customer_email', 320).notNullable();
    table.string('customer_name', 200).notNullable();
    table.text('items').notNullable();
    table.integer('subtotal_cents').notNullable();
    table.integer('tax_cents').notNullable();
    table.integer('total_cents').notNullable();
    table.bigInteger('created_at').notNullable();
  });
  await db.schema.createTable('inventory_movements', (table) => {
    table.increments('id').primary();
    table.integer('product_id').notNullable().references('id').inTable('products');
    // Negative for a sale, positive for a restock: a product's stock is the sum of its movements.
    table.integer('quantity_delta').notNullable();
    table.string('reason', 20).notNullable();
    table.string('idempotency_key', 200);
    table.string('reference', 64).index();
    table.bigInteger('created_at').notNullable();
    table.unique(['idempotency_key', 'product_id']);
  });
  await db.schema.createTable('sent_emails', (table) => {
    table.increments('id').primary();
    table.string('idempotency_key', 200).notNullable().unique();
    table.string('reference', 64).notNullable().index();
    table.integer('order_id').notNullable().references('id').inTable('orders');
    table.string('recipient', 320).notNullable();
    table.string('subject', 300).notNullable();
    table.bigInteger('created_at').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  for (const table of ['sent_emails', 'inventory_movements', 'orders', 'payments', 'products']) {
    await db.schema.dropTableIfExists(table);
  }
}
