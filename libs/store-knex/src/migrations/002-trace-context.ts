import type { Knex } from 'knex';
import { dialectOf } from '../dialect.js';
import type { TableNames } from '../table-names.js';

/**
 * Keeps each task's W3C trace context carrier (`traceparent`, `tracestate`) so that whichever process resumes the
 * task continues its trace. Nullable: tasks stored before this migration, and untraced tasks, have none.
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  const json = dialectOf(db) === 'postgres' ? 'jsonb' : 'text';
  await db.schema.alterTable(tables.tasks, (t) => {
    t.specificType('trace_context', json);
  });
}

/** Drops the column {@link up} added. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.alterTable(tables.tasks, (t) => {
    t.dropColumn('trace_context');
  });
}
