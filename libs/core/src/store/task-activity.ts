import type { StepRecord, TaskRecord, TransitionRecord } from '../domain/records.js';

/**
 * Which tasks `TaskQueries.listActivity` reads: those created in `[createdFrom, createdTo)`, optionally of one
 * namespace, template name and version. A window by creation time is what every store indexes, so the read costs
 * one range scan however old the store is.
 */
export interface ActivityFilter {
  /** Created at or after this time (ms since the epoch). */
  createdFrom: number;
  /** Created before this time (ms since the epoch). */
  createdTo: number;
  namespace?: string;
  name?: string;
  version?: string;
}

/** One task with what analytics need of it: its row, its steps and the attempts that failed. */
export interface TaskActivity {
  task: TaskRecord;
  /** The task's steps in template order. */
  steps: StepRecord[];
  /** The task's history entries that carry an error (failed and retried attempts), oldest first. */
  failures: TransitionRecord[];
}
