import type { AnnotationRecord } from '@tasker/core';
import { fromRow, quote, selectList } from '../rows/column.js';
import { ANNOTATION_COLUMNS } from '../rows/history-columns.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/** The task's annotations in the order they were written. */
export async function getAnnotations(
  { db, dialect, tables }: StoreContext,
  taskId: string,
): Promise<AnnotationRecord[]> {
  const rows = await runSql(
    db,
    `SELECT ${selectList(dialect, ANNOTATION_COLUMNS)} FROM ${quote(tables.annotations)} WHERE "task_id" = ? ORDER BY "id"`,
    [taskId],
  );
  return rows.map((row) => fromRow<AnnotationRecord>(row, ANNOTATION_COLUMNS));
}
