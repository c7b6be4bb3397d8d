import type { Column } from './column.js';

/** Columns of the step items table: one row per task, step and item index (`StepItemRecord`). */
export const ITEM_COLUMNS: readonly Column[] = [
  { field: 'taskId', column: 'task_id', kind: 'text' },
  { field: 'stepName', column: 'step_name', kind: 'text' },
  { field: 'index', column: 'item_index', kind: 'int' },
  { field: 'state', column: 'state', kind: 'text' },
  { field: 'attempts', column: 'attempts', kind: 'int' },
  { field: 'budgetBase', column: 'budget_base', kind: 'int' },
  { field: 'results', column: 'results', kind: 'json' },
  { field: 'error', column: 'error', kind: 'json' },
  { field: 'updatedAt', column: 'updated_at', kind: 'time' },
];

/** What an item row's upsert replaces when the row exists: everything but its key. */
export const ITEM_UPSERT =
  'ON CONFLICT ("task_id", "step_name", "item_index") DO UPDATE SET ' +
  ITEM_COLUMNS.filter(({ column }) => !['task_id', 'step_name', 'item_index'].includes(column))
    .map(({ column }) => `"${column}" = excluded."${column}"`)
    .join(', ');
