import type { Knex } from 'knex';

/** One row per day the nightly sales summary covered (UTC day, `YYYY-MM-DD`): a summary run again replaces it. */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('sales_summaries', (table) => {
    table.string('day', 10).primary();
    table.integer('orders').notNullable();
    table.bigInteger('revenue_cents').notNullable();
    table.bigInteger('created_at').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('sales_summaries');
}
