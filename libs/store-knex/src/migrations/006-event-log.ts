import type { Knex } from 'knex';
import { dialectOf } from '../dialect.js';
import type { TableNames } from '../table-names.js';

/**
 * The event log (`EventLog`): one row per engine event, appended in the commit of the write that caused it. The
 * autoincrement id orders the log (never reused, so a reader's position stays valid across purges); the type,
 * task, namespace and time are columns for filters and purges, the event itself JSON. Indexed for reads by task
 * (`task_id, id`) and for purges by age (`at`); reads after an id use the primary key.
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  await db.schema.createTable(tables.events, (t) => {
    t.bigIncrements('id');
    t.text('type').notNullable();
    t.specificType('task_id', postgres ? 'text COLLATE "C"' : 'text').notNullable();
    t.text('namespace').notNullable();
    t.text('name').notNullable();
    t.bigInteger('at').notNullable();
    t.specificType('body', postgres ? 'jsonb' : 'text').notNullable();
    t.index(['task_id', 'id'], `${tables.events}_task`);
    t.index(['at'], `${tables.events}_at`);
  });
}

/** Drops the table {@link up} created. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.dropTable(tables.events);
}
