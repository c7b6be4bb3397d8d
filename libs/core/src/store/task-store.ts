import type { AnnotationRecord, StepRecord, TaskRecord, TransitionRecord } from '../domain/records.js';
import type { TaskState } from '../domain/states.js';
import type { ClaimRequest, ClaimResult, Lease, LeaseRelease, LeaseTerms, WorkerLeases } from './leases.js';
import type { StoreErrorKind } from './store-error-kind.js';
import type { ActivityFilter, TaskActivity } from './task-activity.js';

/**
 * A task actor's persisted XState snapshot, stamped with the version of the machines that produced it so that a
 * snapshot of other machines is refused instead of misread.
 */
export interface StoredSnapshot {
  machineVersion: number;
  /** `actor.getPersistedSnapshot()` of the task actor: plain JSON. */
  state: unknown;
}

/** Fields of a step row that a transition changes; `name` picks the row. */
export type StepPatch = Pick<StepRecord, 'name'> &
  Partial<
    Pick<
      StepRecord,
      | 'state'
      | 'attempts'
      | 'budgetBase'
      | 'results'
      | 'error'
      | 'startedAt'
      | 'completedAt'
      | 'durationMs'
      | 'nextRetryAt'
    >
  >;

/** Fields of a task row that a transition changes. */
export type TaskPatch = Partial<Pick<TaskRecord, 'state' | 'errorMessage' | 'startedAt' | 'completedAt' | 'updatedAt'>>;

/**
 * One durable change of one task: row updates, history to append, annotations to add, and the task actor's
 * snapshot taken after the change. A field set to `undefined` in a patch clears the stored value.
 */
export interface TaskWrite {
  taskId: string;
  task?: TaskPatch;
  steps?: StepPatch[];
  transitions?: TransitionRecord[];
  annotations?: AnnotationRecord[];
  snapshot?: StoredSnapshot;
  /**
   * The fencing token of the writer's lease on the task: the store applies the write only while the task's lease
   * still has this token, checked in the same statement or script that writes. Absent: applied unconditionally.
   */
  leaseToken?: number;
}

/** What {@link TaskStore.commit} did besides applying the writes. */
export interface CommitResult {
  /** Tasks whose writes were refused and dropped because their lease token was stale: another worker owns them. */
  fenced: string[];
}

/** A stored task as a worker loads it to run it: its row, its steps in template order, its latest snapshot. */
export interface StoredTask {
  task: TaskRecord;
  steps: StepRecord[];
  snapshot?: StoredSnapshot;
}

/** A task to create, with all its steps. */
export interface NewTask {
  task: TaskRecord;
  steps: StepRecord[];
  /** Creates the task leased to this worker with token 1 (it runs it at once); claimable by anyone when absent. */
  lease?: Omit<LeaseTerms, 'now'>;
}

/** What {@link TaskStore.createTask} did: a new task, or the one that already held the idempotency key. */
export interface CreateTaskResult {
  task: TaskRecord;
  created: boolean;
}

/** Which tasks {@link TaskStore.listTasks} returns. Every field narrows the result; none means all tasks. */
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
 * The port through which the engine saves and reads everything durable. Adapters (memory, SQLite and PostgreSQL
 * through knex, Redis) implement it and pass the contract suite of `@tasker/core/testing`.
 *
 * Promises:
 * - `createTask` and `createTasks` store each task with all its steps atomically, or nothing; a second request
 *   with the same `(namespace, name, idempotencyKey)` returns the first task and stores nothing.
 * - `commit` applies all writes of the batch in one transaction, or none of them. A batch holds at most one write
 *   per task (the engine's write queue merges a task's writes with `mergeWrites`), so a store never folds writes and
 *   may refuse a batch that names a task twice. Writes whose `leaseToken` is stale are dropped (the rest of the
 *   batch is applied) and reported as fenced. A write to a task the store does not hold fails the batch with `NotFoundError`
 *   `TASK_NOT_FOUND`.
 * - Failures are classified by `classifyError`: the engine retries a `transient` failure with backoff; on a
 *   `rejected` or `lost` one it splits the batch until the offending write is alone, commits the rest, and fails
 *   (or drops) the offending task. The same for `createTasks`: a creation the store refuses is answered with its own
 *   error and the others of the batch are created.
 * - Leases: an unfinished task (`pending`, `in_progress`) is claimable when no lease holds it, or its lease expired,
 *   and it is due (not passivated, or its wake-up time has come). Every claim raises the task's fencing token. A
 *   write that takes a task to a state that is not unfinished ends its lease: it is then claimable by nobody
 *   (`claimTask` still takes it for an operator's action).
 * - Reads return copies: changing a returned object never changes the store.
 *
 * It exposes no connection or transaction type, so the engine cannot depend on any one database.
 */
export interface TaskStore {
  createTask(task: TaskRecord, steps: StepRecord[]): Promise<CreateTaskResult>;
  /**
   * Creates several tasks, each exactly as `createTask` would, answering in the order given; a key repeated
   * within the batch answers with the first task. The engine group-commits task requests through this, so a store
   * should make it one transaction (or one round trip) rather than one per task.
   */
  createTasks(requests: readonly NewTask[]): Promise<CreateTaskResult[]>;
  /**
   * Applies `writes`, one per task (see the promises above). `batch.id` is the same on every retry of one batch: a
   * store that cannot tell whether a lost reply meant a commit may record it and skip a batch it has applied already.
   */
  commit(writes: readonly TaskWrite[], batch?: { id: string }): Promise<CommitResult>;
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
   * Every task created in the filter's window (oldest first, ties by id) with its steps and failed attempts: what
   * the REST API's analytics compute throughput, rates and percentiles from.
   */
  listActivity(filter: ActivityFilter): Promise<TaskActivity[]>;
  /** Ids of tasks `pending` or `in_progress`, oldest first. */
  listUnfinishedTaskIds(): Promise<string[]>;
  /**
   * Leases up to `limit` claimable tasks to `workerId`, those due longest first. Safe when workers claim at once:
   * no task is leased to two of them (Postgres: `FOR UPDATE SKIP LOCKED`; Redis: one script).
   */
  claimTasks(request: ClaimRequest): Promise<ClaimResult>;
  /**
   * Leases one task whatever its state and wake-up time, for an operator's action on it; `undefined` when it does
   * not exist or another worker's lease on it has not expired.
   */
  claimTask(taskId: string, terms: LeaseTerms): Promise<Lease | undefined>;
  /** Extends the leases still held with these tokens to `until`; answers the ids of the tasks that were lost. */
  renewLeases(workerId: string, leases: readonly Lease[], until: number): Promise<string[]>;
  /** Ends the leases still held with these tokens; a passivated task sleeps until its `wakeAt`. */
  releaseLeases(releases: readonly LeaseRelease[]): Promise<void>;
  /** Unfinished tasks due at `now` that no unexpired lease holds: the queue idle workers would claim from. */
  countWaiting(now: number): Promise<number>;
  /** Workers holding leases that have not expired at `now`, with how many each holds. */
  listWorkers(now: number): Promise<WorkerLeases[]>;
  /**
   * Calls `onWork` when tasks may have become claimable (created without a lease, released), from any process:
   * LISTEN/NOTIFY on Postgres, pub/sub on Redis. Optional: without it, idle workers only poll. Resolves, once
   * listening, with the function that stops it.
   */
  watchWork?(onWork: () => void): Promise<() => Promise<void>>;
  /**
   * What a failure of `commit` or `createTasks` means for the data it carried (see {@link StoreErrorKind}): the store
   * knows its driver's errors. Without it, every failure counts as `transient` and is retried until it succeeds.
   */
  classifyError?(error: unknown): StoreErrorKind;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
