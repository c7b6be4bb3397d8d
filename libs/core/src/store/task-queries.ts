import type { AnnotationRecord, StepRecord, TaskRecord, TransitionRecord } from '../domain/records.js';
import type { TaskState } from '../domain/states.js';
import type { ActivityFilter, TaskActivity } from './task-activity.js';
import type { StoredSnapshot } from './task-log.js';

/** A stored task as a worker loads it to run it: its row, its steps in template order, its latest snapshot. */
export interface StoredTask {
  task: TaskRecord;
  steps: StepRecord[];
  snapshot?: StoredSnapshot;
}

/** Which tasks {@link TaskQueries.listTasks} returns. Every field narrows the result; none means all tasks. */
export interface TaskFilter {
  state?: TaskState | TaskState[];
  namespace?: string;
  name?: string;
  version?: string;
  correlationId?: string;
  /** Tasks carrying at least one annotation of this type. */
  annotationType?: string;
  /** Created at or after this time (ms since the epoch). */
  createdFrom?: number;
  /** Created before this time (ms since the epoch). */
  createdTo?: number;
  /** Page size; 50 when absent, 500 at most. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of tasks, newest first. */
export interface TaskPage {
  tasks: TaskRecord[];
  /** Present when more tasks match: pass it as `cursor` for the next page. */
  nextCursor?: string;
}

/**
 * Reads of what the task log holds: what workers load to run tasks and what the engine's queries (and through them
 * the REST API) answer from. Nothing here writes.
 *
 * Promise: reads return copies: changing a returned object never changes the store.
 */
export interface TaskQueries {
  getTask(taskId: string): Promise<TaskRecord | undefined>;
  /** The task's steps in template order (by `position`). */
  getSteps(taskId: string): Promise<StepRecord[]>;
  getTransitions(taskId: string): Promise<TransitionRecord[]>;
  getAnnotations(taskId: string): Promise<AnnotationRecord[]>;
  getSnapshot(taskId: string): Promise<StoredSnapshot | undefined>;
  /**
   * Reads several tasks with their steps and snapshots in a few queries (one per table, or one round trip) instead
   * of three per task: how a worker loads the tasks it has just claimed. Unknown ids are left out; the order of the
   * answer is not promised.
   */
  loadTasks(taskIds: readonly string[]): Promise<StoredTask[]>;
  listTasks(filter?: TaskFilter): Promise<TaskPage>;
  /**
   * Every task created in the filter's window (oldest first, ties by id) with its steps and failed attempts. Reads
   * every row of the window: analytics ask `TaskAnalytics` for figures instead, which the contract suite checks
   * against figures computed in JavaScript from this.
   */
  listActivity(filter: ActivityFilter): Promise<TaskActivity[]>;
  /** Ids of tasks `pending` or `in_progress`, oldest first. */
  listUnfinishedTaskIds(): Promise<string[]>;
}
