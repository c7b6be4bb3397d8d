import type { Knex } from 'knex';
import type { TableNames } from '../table-names.js';

/**
 * Durable subscribers (`SubscriberPositions`): one row per subscriber name with the id of the last event it handled
 * (`position`, null before its first) and its hold: the worker delivering to it (`owner`), the fencing token every
 * change of holder raises, and when the hold lapses (`lease_until`, engine time in ms; 0 once released).
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.createTable(tables.subscribers, (t) => {
    t.text('name').primary();
    t.text('position');
    t.text('owner').notNullable();
    t.bigInteger('token').notNullable();
    t.bigInteger('lease_until').notNullable();
  });
}

/** Drops the table {@link up} created. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.dropTable(tables.subscribers);
}
