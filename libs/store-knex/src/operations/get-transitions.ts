import type { TransitionRecord } from '@tasker/core';
import { fromRow, quote, selectList } from '../rows/column.js';
import { TRANSITION_COLUMNS } from '../rows/history-columns.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/** The task's history in the order it was committed (by the transitions' autoincrement id). */
export async function getTransitions(
  { db, dialect, tables }: StoreContext,
  taskId: string,
): Promise<TransitionRecord[]> {
  const rows = await runSql(
    db,
    `SELECT ${selectList(dialect, TRANSITION_COLUMNS)} FROM ${quote(tables.transitions)} WHERE "task_id" = ? ORDER BY "id"`,
    [taskId],
  );
  return rows.map((row) => fromRow<TransitionRecord>(row, TRANSITION_COLUMNS));
}
