import type { Knex } from 'knex';
import { dialectOf } from '../dialect.js';
import type { TableNames } from '../table-names.js';

/** The columns of a task the analytics statements read, besides `created_at` that selects the window. */
const FIGURE_COLUMNS = 'namespace, name, version, state, started_at, completed_at, id';

/**
 * Indexes for the analytics figures (`TaskAnalytics`), which aggregate every task of a window:
 *
 * - `tasks_window`: the window's tasks by creation time, carrying every column the figures read, so that counting
 *   and ranking a day of tasks is an index-only scan instead of reading task rows (about 1 KB each with their
 *   context) or walking the `_newest` index to the table. The tasks table's updates already change indexed columns
 *   (state, lease), so they were never HOT: one more index entry per state change is the cost.
 * - `transitions_errors`: the history entries that carry an error, a small share of the history (every state change
 *   of every step is a row), partial, so that the common-errors statement reads those only.
 *
 * Steps get no index: their state, attempts and duration change on every start and finish, and an index on them
 * would make those updates non-HOT (see migration 004); the figures join them through their primary key.
 * SQLite has no `INCLUDE`: the carried columns are key columns there.
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  await db.raw(
    postgres
      ? `CREATE INDEX "${tables.tasks}_window" ON "${tables.tasks}" (created_at) INCLUDE (${FIGURE_COLUMNS})`
      : `CREATE INDEX "${tables.tasks}_window" ON "${tables.tasks}" (created_at, ${FIGURE_COLUMNS})`,
  );
  await createErrorsIndex(db, tables);
}

/** The `transitions_errors` index; migration 016 drops it (the figures read rollups) and its `down` restores it. */
export async function createErrorsIndex(db: Knex, tables: TableNames): Promise<void> {
  await db.raw(
    dialectOf(db) === 'postgres'
      ? `CREATE INDEX "${tables.transitions}_errors" ON "${tables.transitions}" (task_id) INCLUDE (step_name, error) ` +
          'WHERE error IS NOT NULL'
      : `CREATE INDEX "${tables.transitions}_errors" ON "${tables.transitions}" (task_id, step_name) ` +
          'WHERE error IS NOT NULL',
  );
}

/** Drops the indexes {@link up} created. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  await db.raw(`DROP INDEX IF EXISTS "${tables.tasks}_window"`);
  await db.raw(`DROP INDEX IF EXISTS "${tables.transitions}_errors"`);
}
