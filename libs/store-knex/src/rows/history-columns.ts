import type { TaskWrite } from '@tasker/core';
import type { Column } from './column.js';

/**
 * Columns of the transitions table, without its autoincrement `id` that orders the history. `from`, `to` and
 * `by` are SQL keywords, hence `from_state`, `to_state` and `caused_by`.
 */
export const TRANSITION_COLUMNS: readonly Column[] = [
  { field: 'taskId', column: 'task_id', kind: 'text' },
  { field: 'stepName', column: 'step_name', kind: 'text' },
  { field: 'from', column: 'from_state', kind: 'text' },
  { field: 'to', column: 'to_state', kind: 'text' },
  { field: 'attempt', column: 'attempt', kind: 'int' },
  { field: 'error', column: 'error', kind: 'json' },
  { field: 'by', column: 'caused_by', kind: 'text' },
  { field: 'reason', column: 'reason', kind: 'text' },
  { field: 'at', column: 'at', kind: 'time' },
];

/** Columns of the annotations table, without its autoincrement `id` that keeps them in the order written. */
export const ANNOTATION_COLUMNS: readonly Column[] = [
  { field: 'taskId', column: 'task_id', kind: 'text' },
  { field: 'type', column: 'type', kind: 'text' },
  { field: 'content', column: 'content', kind: 'json' },
  { field: 'createdAt', column: 'created_at', kind: 'time' },
];

/** Columns of the snapshots table: one row per task, replaced by every write that carries a snapshot. */
export const SNAPSHOT_COLUMNS: readonly Column[] = [
  { field: 'taskId', column: 'task_id', kind: 'text' },
  { field: 'machineVersion', column: 'machine_version', kind: 'int' },
  { field: 'state', column: 'state', kind: 'json' },
];

/** The columns of a snapshot row that make up a `StoredSnapshot` (all but the task's id). */
export const SNAPSHOT_STATE_COLUMNS: readonly Column[] = SNAPSHOT_COLUMNS.filter(({ column }) => column !== 'task_id');

/**
 * Columns of the events table, without its autoincrement `id` that orders the log: the fields that reads filter
 * on, and the whole event as JSON (`body`). Rows are made by `eventRows`.
 */
export const EVENT_COLUMNS: readonly Column[] = [
  { field: 'type', column: 'type', kind: 'text' },
  { field: 'taskId', column: 'task_id', kind: 'text' },
  { field: 'namespace', column: 'namespace', kind: 'text' },
  { field: 'name', column: 'name', kind: 'text' },
  { field: 'at', column: 'at', kind: 'time' },
  { field: 'body', column: 'body', kind: 'json' },
];

/** The event rows of the writes of a batch, in order. */
export function eventRows(writes: readonly TaskWrite[]): object[] {
  return writes.flatMap((write) =>
    (write.events ?? []).map((event) => ({
      type: event.type,
      taskId: event.taskId,
      namespace: event.namespace,
      name: event.name,
      at: event.at,
      body: event,
    })),
  );
}
