import type { StepRecord, StoredSnapshot, StoredTask, TaskRecord } from '@tasker/core';
import { fromRow, quote, selectList } from '../rows/column.js';
import { SNAPSHOT_STATE_COLUMNS } from '../rows/history-columns.js';
import { STEP_COLUMNS } from '../rows/step-columns.js';
import { TASK_COLUMNS } from '../rows/task-columns.js';
import { amongIds, idsParameter } from '../sql/among-ids.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/** The tasks of `taskIds` that exist, each with its steps in template order and its snapshot: three queries in all. */
export async function loadTasks(
  { db, dialect, tables }: StoreContext,
  taskIds: readonly string[],
): Promise<StoredTask[]> {
  if (taskIds.length === 0) return [];
  const ids = idsParameter(dialect, taskIds);
  const [taskRows, stepRows, snapshotRows] = await Promise.all([
    runSql(
      db,
      `SELECT ${selectList(dialect, TASK_COLUMNS)} FROM ${quote(tables.tasks)} WHERE ${amongIds(dialect, 'id')}`,
      [ids],
    ),
    runSql(
      db,
      `SELECT ${selectList(dialect, STEP_COLUMNS)} FROM ${quote(tables.steps)} ` +
        `WHERE ${amongIds(dialect, 'task_id')} ORDER BY "task_id", "position", "name"`,
      [ids],
    ),
    runSql(
      db,
      `SELECT "task_id", ${selectList(dialect, SNAPSHOT_STATE_COLUMNS)} FROM ${quote(tables.snapshots)} ` +
        `WHERE ${amongIds(dialect, 'task_id')}`,
      [ids],
    ),
  ]);
  const steps = new Map<string, StepRecord[]>();
  for (const row of stepRows) {
    const step = fromRow<StepRecord>(row, STEP_COLUMNS);
    const list = steps.get(step.taskId);
    if (list) list.push(step);
    else steps.set(step.taskId, [step]);
  }
  const snapshots = new Map(
    snapshotRows.map((row) => [row.task_id as string, fromRow<StoredSnapshot>(row, SNAPSHOT_STATE_COLUMNS)]),
  );
  return taskRows.map((row) => {
    const task = fromRow<TaskRecord>(row, TASK_COLUMNS);
    const snapshot = snapshots.get(task.id);
    return { task, steps: steps.get(task.id) ?? [], ...(snapshot ? { snapshot } : {}) };
  });
}
