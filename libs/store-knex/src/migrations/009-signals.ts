import type { Knex } from 'knex';
import { dialectOf } from '../dialect.js';
import type { TableNames } from '../table-names.js';

/**
 * Signals (`TaskSignals`): one row per task and signal name, the payload JSON, kept until the task is deleted. And
 * what a `waiting` step waits for (`waiting_for`, JSON) on the steps table.
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  await db.schema.createTable(tables.signals, (t) => {
    t.specificType('task_id', postgres ? 'text COLLATE "C"' : 'text').notNullable();
    t.text('name').notNullable();
    t.specificType('payload', postgres ? 'jsonb' : 'text').notNullable();
    t.bigInteger('sent_at').notNullable();
    t.primary(['task_id', 'name']);
  });
  await db.schema.alterTable(tables.steps, (t) => {
    t.specificType('waiting_for', postgres ? 'jsonb' : 'text');
  });
}

/** Drops what {@link up} added. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.alterTable(tables.steps, (t) => t.dropColumn('waiting_for'));
  await db.schema.dropTable(tables.signals);
}
