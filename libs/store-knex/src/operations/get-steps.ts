import type { StepRecord } from '@tasker/core';
import { fromRow, quote, selectList } from '../rows/column.js';
import { STEP_COLUMNS } from '../rows/step-columns.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/** The task's steps in template order; none for an unknown task. */
export async function getSteps({ db, dialect, tables }: StoreContext, taskId: string): Promise<StepRecord[]> {
  const rows = await runSql(
    db,
    `SELECT ${selectList(dialect, STEP_COLUMNS)} FROM ${quote(tables.steps)} WHERE "task_id" = ? ORDER BY "position", "name"`,
    [taskId],
  );
  return rows.map((row) => fromRow<StepRecord>(row, STEP_COLUMNS));
}
