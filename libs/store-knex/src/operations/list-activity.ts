import type { ActivityFilter, StepRecord, TaskActivity, TaskRecord, TransitionRecord } from '@tasker/core';
import { fromRow, quote, selectList } from '../rows/column.js';
import { TRANSITION_COLUMNS } from '../rows/history-columns.js';
import { STEP_COLUMNS } from '../rows/step-columns.js';
import { TASK_COLUMNS } from '../rows/task-columns.js';
import { activityWindow } from '../sql/activity-window.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/**
 * The tasks created in the filter's window, oldest first, with their steps and the history entries that carry an
 * error: three statements, the steps and failures selected by the same condition on the tasks table.
 */
export async function listActivity(
  { db, dialect, tables }: StoreContext,
  filter: ActivityFilter,
): Promise<TaskActivity[]> {
  const { where, bindings } = activityWindow(filter);
  const ofTasks = `"task_id" IN (SELECT t."id" FROM ${quote(tables.tasks)} AS t WHERE ${where})`;
  const [taskRows, stepRows, failureRows] = await Promise.all([
    runSql(
      db,
      `SELECT ${selectList(dialect, TASK_COLUMNS)} FROM ${quote(tables.tasks)} AS t WHERE ${where} ORDER BY t."created_at", t."id"`,
      bindings,
    ),
    runSql(
      db,
      `SELECT ${selectList(dialect, STEP_COLUMNS)} FROM ${quote(tables.steps)} WHERE ${ofTasks} ORDER BY "position", "name"`,
      bindings,
    ),
    runSql(
      db,
      `SELECT ${selectList(dialect, TRANSITION_COLUMNS)} FROM ${quote(tables.transitions)} WHERE "error" IS NOT NULL AND ${ofTasks} ORDER BY "id"`,
      bindings,
    ),
  ]);
  const activities = new Map<string, TaskActivity>();
  for (const row of taskRows) {
    const task = fromRow<TaskRecord>(row, TASK_COLUMNS);
    activities.set(task.id, { task, steps: [], failures: [] });
  }
  for (const row of stepRows) {
    const step = fromRow<StepRecord>(row, STEP_COLUMNS);
    activities.get(step.taskId)?.steps.push(step);
  }
  for (const row of failureRows) {
    const failure = fromRow<TransitionRecord>(row, TRANSITION_COLUMNS);
    activities.get(failure.taskId)?.failures.push(failure);
  }
  return [...activities.values()];
}
