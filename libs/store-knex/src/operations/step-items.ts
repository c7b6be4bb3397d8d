import type { StepItemCounts, StepItemPage, StepItemRecord, StepItemState } from '@tasker/core';
import { fromRow, quote, selectList } from '../rows/column.js';
import { ITEM_COLUMNS } from '../rows/item-columns.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/** The items of one map step in index order, `page.limit` of them from `page.offset` (all without a limit). */
export async function getStepItems(
  { db, dialect, tables }: StoreContext,
  taskId: string,
  stepName: string,
  page: StepItemPage = {},
): Promise<StepItemRecord[]> {
  // LIMIT -1 is SQLite's "no limit"; Postgres takes LIMIT ALL (a NULL bound).
  const limit = page.limit ?? (dialect === 'postgres' ? null : -1);
  const rows = await runSql(
    db,
    `SELECT ${selectList(dialect, ITEM_COLUMNS)} FROM ${quote(tables.stepItems)} ` +
      'WHERE "task_id" = ? AND "step_name" = ? ORDER BY "item_index" LIMIT ? OFFSET ?',
    [taskId, stepName, limit, page.offset ?? 0],
  );
  return rows.map((row) => fromRow<StepItemRecord>(row, ITEM_COLUMNS));
}

/** How many items of one map step are in each state. */
export async function countStepItems(
  { db, tables }: StoreContext,
  taskId: string,
  stepName: string,
): Promise<StepItemCounts> {
  const rows = await runSql(
    db,
    `SELECT "state", count(*) AS "count" FROM ${quote(tables.stepItems)} ` +
      'WHERE "task_id" = ? AND "step_name" = ? GROUP BY "state"',
    [taskId, stepName],
  );
  const counts: StepItemCounts = {};
  for (const row of rows) counts[row.state as StepItemState] = Number(row.count);
  return counts;
}
