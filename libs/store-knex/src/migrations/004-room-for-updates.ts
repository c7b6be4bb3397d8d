import type { Knex } from 'knex';
import { dialectOf } from '../dialect.js';
import type { TableNames } from '../table-names.js';

/**
 * The share of each page Postgres fills on insert, for the tables whose rows every batch rewrites: a step's row
 * changes on each start and finish, a task's snapshot (about 1 KB) on each batch that touches the task.
 */
const FILL_FACTOR = 50;

/** The tables that get {@link FILL_FACTOR}. */
const rewrittenEveryBatch = (tables: TableNames) => [tables.steps, tables.snapshots];

/**
 * Room for updates on Postgres: `steps` and `snapshots` leave half of each page free, so that the new version of an
 * updated row fits on its page and the update is HOT (heap-only: no index entry written, less WAL, nothing for
 * vacuum to clean from the indexes). With full pages, 2,000 five-step chains made 8% of snapshot updates and 65%
 * of step updates HOT; with this, all of them, and 6% more steps per second. The tables take up to twice the
 * space. Tasks gain nothing from it: their updates change indexed columns (state, lease), which is never HOT.
 * Pages written before keep their fill; SQLite has no such setting.
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  for (const table of rewrittenEveryBatch(tables))
    await db.raw(`ALTER TABLE "${table}" SET (fillfactor = ${FILL_FACTOR})`);
}

/** Gives {@link up}'s tables Postgres's default fill again. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  for (const table of rewrittenEveryBatch(tables)) await db.raw(`ALTER TABLE "${table}" RESET (fillfactor)`);
}
