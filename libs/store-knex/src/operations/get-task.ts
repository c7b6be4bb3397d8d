import type { TaskRecord } from '@tasker/core';
import { fromRow, quote, selectList } from '../rows/column.js';
import { TASK_COLUMNS } from '../rows/task-columns.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/** The task row, or `undefined` when no task has this id. */
export async function getTask({ db, dialect, tables }: StoreContext, taskId: string): Promise<TaskRecord | undefined> {
  const [row] = await runSql(
    db,
    `SELECT ${selectList(dialect, TASK_COLUMNS)} FROM ${quote(tables.tasks)} WHERE "id" = ?`,
    [taskId],
  );
  return row && fromRow<TaskRecord>(row, TASK_COLUMNS);
}
