import type { FinishedTaskState, JsonObject, JsonValue, TaskState } from '@tasker/core';
import type { eventJson, purgeReportJson, stepJson, taskJson, taskSummaryJson } from '@tasker/http';

/** A task with its steps, annotations and history, as the REST API answers `GET /tasks/:id`. */
export type TaskJson = ReturnType<typeof taskJson>;
/** A task as lists show it. */
export type TaskSummaryJson = ReturnType<typeof taskSummaryJson>;
/** One step of a task. */
export type StepJson = ReturnType<typeof stepJson>;
/** One engine event, as the API's event stream sends it. */
export type EventJson = ReturnType<typeof eventJson>;
/** What a purge went through (or, on a dry run, would), as `POST /tasks/purge` answers. */
export type PurgeReportJson = ReturnType<typeof purgeReportJson>;

/** What creating a task answers. */
export interface CreatedTaskJson {
  task_id: string;
  current_state: TaskState;
  correlation_id: string;
  /** `false` when an idempotency key named a task created before. */
  created: boolean;
}

/** The workers holding leases on the store's tasks, and the tasks waiting for one. */
export interface WorkersJson {
  waiting_tasks: number;
  workers: Array<{ worker_id: string; leases: number; first_lease_expiry: string | null }>;
}

/** What sending a signal answers: `delivered` woke a waiting step, `stored` keeps it until a step takes it. */
export interface SignalJson {
  task_id: string;
  signal: string;
  outcome: 'delivered' | 'stored';
}

/** Which tasks `tasks list` shows. */
export interface TaskQuery {
  states?: TaskState[];
  namespace?: string;
  name?: string;
  /** Created at or after this time (ms since the epoch). */
  createdFrom?: number;
  limit?: number;
}

/** A task to create: a template by namespace, name and version (or range), and the task's context. */
export interface RunRequest {
  namespace: string;
  name: string;
  version?: string;
  context: JsonObject;
  /** How long the task may take, overriding its template's deadline. */
  deadlineMs?: number;
}

/** Which events `events` prints. */
export interface EventQuery {
  /** An event type or pattern (`task.*`, `step.failed`, `*`). */
  type: string;
  /** Keep printing events as they come (otherwise stop once none is waiting). */
  follow: boolean;
}

/** Which finished tasks `purge` deletes (see `engine.purgeFinishedTasks`). */
export interface PurgeQuery {
  /** `'30d'`, `'12h'` or ms; the engine's retention policy when absent (an API's engine may have one). */
  olderThan?: string | number;
  states?: FinishedTaskState[];
  dryRun: boolean;
  /** Archival before deleting; only a store opened directly takes it (an API archives as its engine says). */
  archive?: { directory?: string; table?: boolean };
}

/**
 * What the commands need of Tasker, written once for both transports: a store opened directly (an operator-only
 * engine on it) or a running REST API. Answers are the REST API's JSON shapes, whichever transport serves them.
 */
export interface TaskerClient {
  runTask(request: RunRequest): Promise<CreatedTaskJson>;
  listTasks(query: TaskQuery): Promise<TaskSummaryJson[]>;
  /** @throws CliError when there is no such task. */
  getTask(taskId: string): Promise<TaskJson>;
  retryTask(taskId: string, reason?: string): Promise<TaskJson>;
  cancelTask(taskId: string, reason?: string): Promise<TaskJson>;
  resolveStep(taskId: string, stepName: string, results: JsonValue, reason?: string): Promise<StepJson>;
  /** Sends the signal `name` with `payload` to a task (see `engine.signal`). */
  signal(taskId: string, name: string, payload: JsonValue): Promise<SignalJson>;
  listWorkers(): Promise<WorkersJson>;
  /** Calls `onEvent` for each event of `query` until the feed has no more (or, following, until `signal` aborts). */
  readEvents(query: EventQuery, onEvent: (event: EventJson) => void, signal: AbortSignal): Promise<void>;
  /**
   * Deletes the finished tasks `query` names, or counts them on a dry run.
   * @throws InvalidRequestError (store) or CliError (API) naming a bad age or state.
   */
  purge(query: PurgeQuery): Promise<PurgeReportJson>;
  /** Releases connections. */
  close(): Promise<void>;
}
