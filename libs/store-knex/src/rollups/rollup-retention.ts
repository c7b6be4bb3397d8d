import type { Knex } from 'knex';
import { quote } from '../rows/column.js';
import { runSql } from '../sql/run-sql.js';
import type { TableNames } from '../table-names.js';
import { MINUTE_MS } from './rollup-upserts.js';

/** How long a minute's rollups are kept: the longest analytics period (the REST API's `7d`) and an hour. */
export const ROLLUP_RETENTION_MS = 7 * 24 * 60 * MINUTE_MS + 60 * MINUTE_MS;

/**
 * Deletes the rollups of the minutes older than {@link ROLLUP_RETENTION_MS} before `now` (the server's clock, as
 * the pruning of batch ids): no analytics window reaches them. Run by every retention purge; a range of the
 * tables' primary keys, which start with the minute, so cheap when there is nothing to delete.
 */
export async function purgeOldRollups(
  db: Knex | Knex.Transaction,
  tables: TableNames,
  now = Date.now(),
): Promise<void> {
  const before = Math.floor((now - ROLLUP_RETENTION_MS) / MINUTE_MS);
  for (const table of [tables.taskRollups, tables.stepRollups, tables.durationRollups, tables.errorRollups])
    await runSql(db, `DELETE FROM ${quote(table)} WHERE "minute" < ?`, [before]);
}
