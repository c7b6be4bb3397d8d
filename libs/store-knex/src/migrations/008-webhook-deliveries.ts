import type { Knex } from 'knex';
import type { TableNames } from '../table-names.js';

/**
 * The webhook delivery log (`WebhookDeliveryLog`): one row per try of delivering an event to a webhook, ordered by
 * the autoincrement id; indexed by webhook for its reads and for trimming each webhook to its newest tries.
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.createTable(tables.webhookDeliveries, (t) => {
    t.bigIncrements('id');
    t.text('webhook').notNullable();
    t.text('event_id').notNullable();
    t.text('event_type').notNullable();
    t.integer('attempt').notNullable();
    t.text('outcome').notNullable();
    t.integer('status');
    t.text('error');
    t.bigInteger('at').notNullable();
    t.bigInteger('duration_ms').notNullable();
    t.index(['webhook', 'id'], `${tables.webhookDeliveries}_webhook`);
  });
}

/** Drops the table {@link up} created. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.dropTable(tables.webhookDeliveries);
}
