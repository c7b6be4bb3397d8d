import type { Knex } from 'knex';
import { dialectOf } from '../dialect.js';
import type { TableNames } from '../table-names.js';

/**
 * Retention (`TaskRetention`): an index of finished tasks by state and finish time (`updated_at` of a finished task
 * is when it finished), so that listing the expired ones reads only them; and the archive table, one row per purged
 * task archived with `archive: true`: its identity and finish time as columns, the rest (`ArchivedTask`: the row,
 * steps, history, annotations) as JSON.
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  const id = postgres ? 'text COLLATE "C"' : 'text';
  await db.schema.alterTable(tables.tasks, (t) => {
    t.index(['state', 'updated_at', 'id'], `${tables.tasks}_state_finished`);
  });
  await db.schema.createTable(tables.archive, (t) => {
    t.specificType('id', id).primary();
    t.text('namespace').notNullable();
    t.text('name').notNullable();
    t.text('version').notNullable();
    t.text('state').notNullable();
    t.bigInteger('finished_at').notNullable();
    t.specificType('body', postgres ? 'jsonb' : 'text').notNullable();
    t.index(['namespace', 'name', 'finished_at'], `${tables.archive}_template`);
  });
}

/** Drops what {@link up} added. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.dropTable(tables.archive);
  await db.schema.alterTable(tables.tasks, (t) => t.dropIndex([], `${tables.tasks}_state_finished`));
}
