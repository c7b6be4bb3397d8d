import type { AnnotationRecord, StepRecord, TaskRecord, TransitionRecord } from '../domain/records.js';
import type { TaskState } from '../domain/states.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';

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

/** A finished task as archival keeps it (a row of the archive table, a line of an archive file): all but its snapshot. */
export interface ArchivedTask {
  task: TaskRecord;
  steps: StepRecord[];
  transitions: TransitionRecord[];
  annotations: AnnotationRecord[];
}

/** How {@link TaskRetention.purgeTasks} removes. */
export interface PurgeOptions {
  /**
   * Copy each task ({@link ArchivedTask}) into the store's archive table in the same transaction that deletes it.
   * Only for a store whose `archivesToTable` is true.
   */
  archive?: boolean;
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
  /** Whether {@link purgeTasks} can archive into a table of the store (PostgreSQL, SQLite). */
  readonly archivesToTable: boolean;
  /** Finished tasks older than `query.before`, oldest first. */
  listExpiredTasks(query: ExpiredTaskQuery): Promise<ExpiredTask[]>;
  /**
   * Removes the finished tasks among `taskIds` with all they own; answers the ids it removed.
   * @throws InvalidRequestError when `options.archive` is asked of a store that has no archive table.
   */
  purgeTasks(taskIds: readonly string[], options?: PurgeOptions): Promise<string[]>;
}

/** Whether a task in `state` is one retention may remove (see {@link FINISHED_TASK_STATES}). */
export function isTaskFinished(state: TaskState): state is FinishedTaskState {
  return (FINISHED_TASK_STATES as readonly TaskState[]).includes(state);
}

/** Orders expired tasks as every store lists them: by finish time, then id. */
export function byFinishTime(a: ExpiredTaskCursor, b: ExpiredTaskCursor): number {
  return a.finishedAt - b.finishedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Refuses `options.archive` for a store that has no archive table (`storeName` names it in the error). */
export function refuseTableArchive(storeName: string, options: PurgeOptions | undefined): void {
  if (options?.archive)
    throw new InvalidRequestError('archive', `${storeName} has no archive table: archive to a directory instead`);
}
