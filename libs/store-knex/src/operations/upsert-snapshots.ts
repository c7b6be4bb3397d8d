import type { Knex } from 'knex';
import type { StoredSnapshot } from '@tasker/core';
import type { Dialect } from '../dialect.js';
import { castTo, quote, rowValues } from '../rows/column.js';
import { SNAPSHOT_COLUMNS } from '../rows/history-columns.js';
import { runSql } from '../sql/run-sql.js';
import type { TableNames } from '../table-names.js';
import { inChunks, valuesList } from '../sql/values-list.js';

/**
 * Saves the snapshots of a batch on SQLite, one multi-row upsert per chunk, and answers the ids of the tasks they belong
 * to. The rows are joined to the tasks table, so a snapshot of an unknown task is not stored and its id is
 * missing from the answer: since the engine's write queue gives every write a snapshot, this one statement tells
 * the batch's unknown tasks too. (`WHERE true` keeps SQLite from reading `ON CONFLICT` as the join's `ON`.)
 */
export async function upsertSnapshots(
  trx: Knex.Transaction,
  dialect: Dialect,
  tables: TableNames,
  snapshots: ReadonlyArray<StoredSnapshot & { taskId: string }>,
): Promise<string[]> {
  const names = SNAPSHOT_COLUMNS.map(({ column }) => quote(column)).join(', ');
  const selected = SNAPSHOT_COLUMNS.map(({ column, kind }) => castTo(dialect, kind, `v.${quote(column)}`)).join(', ');
  const found: string[] = [];
  for (const chunk of inChunks(snapshots, SNAPSHOT_COLUMNS.length)) {
    const sql =
      `WITH v (${names}) AS (VALUES ${valuesList(chunk.length, SNAPSHOT_COLUMNS.length)}) ` +
      `INSERT INTO ${quote(tables.snapshots)} (${names}) ` +
      `SELECT ${selected} FROM v JOIN ${quote(tables.tasks)} AS t ON t."id" = v."task_id" WHERE true ` +
      `ON CONFLICT ("task_id") DO UPDATE SET "machine_version" = excluded."machine_version", "state" = excluded."state" ` +
      'RETURNING "task_id"';
    const rows = await runSql(
      trx,
      sql,
      chunk.flatMap((snapshot) => rowValues(snapshot, SNAPSHOT_COLUMNS)),
    );
    for (const row of rows) found.push(String(row.task_id));
  }
  return found;
}
