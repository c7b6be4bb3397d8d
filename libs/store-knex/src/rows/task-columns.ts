import type { Column } from './column.js';

/** Every column of the tasks table and the {@link TaskRecord} field it holds. */
export const TASK_COLUMNS: readonly Column[] = [
  { field: 'id', column: 'id', kind: 'text' },
  { field: 'namespace', column: 'namespace', kind: 'text' },
  { field: 'name', column: 'name', kind: 'text' },
  { field: 'version', column: 'version', kind: 'text' },
  { field: 'state', column: 'state', kind: 'text' },
  { field: 'context', column: 'context', kind: 'json' },
  { field: 'correlationId', column: 'correlation_id', kind: 'text' },
  { field: 'idempotencyKey', column: 'idempotency_key', kind: 'text' },
  { field: 'initiator', column: 'initiator', kind: 'text' },
  { field: 'sourceSystem', column: 'source_system', kind: 'text' },
  { field: 'reason', column: 'reason', kind: 'text' },
  { field: 'tags', column: 'tags', kind: 'json' },
  { field: 'maxParallelSteps', column: 'max_parallel_steps', kind: 'int' },
  { field: 'taskHandler', column: 'task_handler', kind: 'text' },
  { field: 'errorMessage', column: 'error_message', kind: 'text' },
  { field: 'traceContext', column: 'trace_context', kind: 'json' },
  { field: 'runAt', column: 'run_at', kind: 'time' },
  { field: 'deadlineAt', column: 'deadline_at', kind: 'time' },
  { field: 'priority', column: 'priority', kind: 'int' },
  { field: 'scheduleId', column: 'schedule_id', kind: 'text' },
  { field: 'scheduledFor', column: 'scheduled_for', kind: 'time' },
  { field: 'createdAt', column: 'created_at', kind: 'time' },
  { field: 'updatedAt', column: 'updated_at', kind: 'time' },
  { field: 'startedAt', column: 'started_at', kind: 'time' },
  { field: 'completedAt', column: 'completed_at', kind: 'time' },
];

/** The columns a {@link TaskPatch} may change, by field name. */
export const TASK_PATCH_COLUMNS: ReadonlyMap<string, Column> = new Map(
  TASK_COLUMNS.filter(({ field }) =>
    ['state', 'errorMessage', 'startedAt', 'completedAt', 'updatedAt', 'deadlineAt'].includes(field),
  ).map((column) => [column.field, column]),
);

/** The key of a task row. */
export const TASK_KEY: readonly Column[] = TASK_COLUMNS.filter(({ column }) => column === 'id');
