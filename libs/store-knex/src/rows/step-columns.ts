import type { Column } from './column.js';

/** Every column of the steps table and the {@link StepRecord} field it holds. */
export const STEP_COLUMNS: readonly Column[] = [
  { field: 'taskId', column: 'task_id', kind: 'text' },
  { field: 'name', column: 'name', kind: 'text' },
  { field: 'position', column: 'position', kind: 'int' },
  { field: 'handler', column: 'handler', kind: 'text' },
  { field: 'dependsOn', column: 'depends_on', kind: 'json' },
  { field: 'settings', column: 'settings', kind: 'json' },
  { field: 'config', column: 'config', kind: 'json' },
  { field: 'dependentSystem', column: 'dependent_system', kind: 'text' },
  { field: 'state', column: 'state', kind: 'text' },
  { field: 'attempts', column: 'attempts', kind: 'int' },
  { field: 'budgetBase', column: 'budget_base', kind: 'int' },
  { field: 'results', column: 'results', kind: 'json' },
  { field: 'error', column: 'error', kind: 'json' },
  { field: 'startedAt', column: 'started_at', kind: 'time' },
  { field: 'completedAt', column: 'completed_at', kind: 'time' },
  { field: 'durationMs', column: 'duration_ms', kind: 'time' },
  { field: 'nextRetryAt', column: 'next_retry_at', kind: 'time' },
  { field: 'waitingFor', column: 'waiting_for', kind: 'json' },
];

/** The columns a {@link StepPatch} may change, by field name (`name` picks the row and is not among them). */
export const STEP_PATCH_COLUMNS: ReadonlyMap<string, Column> = new Map(
  STEP_COLUMNS.filter(
    ({ field }) =>
      !['taskId', 'name', 'position', 'handler', 'dependsOn', 'settings', 'config', 'dependentSystem'].includes(field),
  ).map((column) => [column.field, column]),
);

/** The key of a step row: its task and its name. */
export const STEP_KEY: readonly Column[] = STEP_COLUMNS.filter(
  ({ column }) => column === 'task_id' || column === 'name',
);
