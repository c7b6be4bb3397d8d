import type { TaskState } from '../domain/states.js';

/** The states in which a task is finished for good or until an operator acts: the only ones retention removes. */
export const FINISHED_TASK_STATES = [
  'completed',
  'failed',
  'cancelled',
  'resolved_manually',
  'compensation_failed',
] as const satisfies readonly TaskState[];
export type FinishedTaskState = (typeof FINISHED_TASK_STATES)[number];

/** Where a listing of expired tasks goes on from: the last task of the previous page. */
export interface ExpiredTaskCursor {
  finishedAt: number;
  id: string;
}

/** Which finished tasks {@link TaskRetention.listExpiredTasks} answers. */
export interface ExpiredTaskQuery {
  state: FinishedTaskState;
  /** Only tasks that finished (were last changed) before this time, ms since the epoch. */
  before: number;
  /** Only tasks after this one, in the listing's order (finish time, then id). */
  after?: ExpiredTaskCursor;
  /** Most tasks to answer; fewer only when no more match. */
  limit: number;
}

/** A finished task as retention lists it: enough to decide by its template, and to report. */
export interface ExpiredTask extends ExpiredTaskCursor {
  namespace: string;
  name: string;
  version: string;
  state: FinishedTaskState;
}

/**
 * Removal of finished tasks, so that a store does not grow for ever (`EngineOptions.retention`, `tasker purge`).
 *
 * Promises:
 * - `listExpiredTasks` answers only tasks in the query's finished state whose finish time (`updatedAt`, the time of
 *   the transition that finished them) is before `before`, oldest first, ties by id; it writes nothing.
 * - `purgeTasks` removes everything of each given task that is finished: its row, steps, transitions, annotations,
 *   snapshot, signals, event-log entries and idempotency key (a repeated request with that key then starts a new
 *   task), and nothing of any other task. An unfinished or unknown id is left alone, so a task an operator reopened
 *   between the listing and the purge survives. Purging again is harmless.
 */
export interface TaskRetention {
  /** Finished tasks older than `query.before`, oldest first. */
  listExpiredTasks(query: ExpiredTaskQuery): Promise<ExpiredTask[]>;
  /** Removes the finished tasks among `taskIds` with all they own; answers the ids it removed. */
  purgeTasks(taskIds: readonly string[]): Promise<string[]>;
}

/** Whether a task in `state` is one retention may remove (see {@link FINISHED_TASK_STATES}). */
export function isTaskFinished(state: TaskState): state is FinishedTaskState {
  return (FINISHED_TASK_STATES as readonly TaskState[]).includes(state);
}

/** Orders expired tasks as every store lists them: by finish time, then id. */
export function byFinishTime(a: ExpiredTaskCursor, b: ExpiredTaskCursor): number {
  return a.finishedAt - b.finishedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
