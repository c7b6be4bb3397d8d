import type { StepItemRecord } from './step-items.js';
import type { EngineEvent } from '../domain/events.js';
import type { AnnotationRecord, StepRecord, TaskRecord, TransitionRecord } from '../domain/records.js';
import type { LeaseTerms } from './leases.js';

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
      | 'waitingFor'
    >
  >;

/** Fields of a task row that a transition changes. */
export type TaskPatch = Partial<
  Pick<TaskRecord, 'state' | 'errorMessage' | 'startedAt' | 'completedAt' | 'updatedAt' | 'deadlineAt'>
>;

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
  /** Items of map steps, each written whole (it replaces the stored one of its step and index). */
  items?: StepItemRecord[];
  snapshot?: StoredSnapshot;
  /**
   * Events the change causes, appended to the store's event log (see `EventLog`) in the same commit, in order;
   * dropped with the write when it is fenced. A write may carry only events (a handler's custom event).
   */
  events?: EngineEvent[];
  /**
   * The fencing token of the writer's lease on the task: the store applies the write only while the task's lease
   * still has this token, checked in the same statement or script that writes. Absent: applied unconditionally.
   */
  leaseToken?: number;
}

/** What {@link TaskLog.commit} did besides applying the writes. */
export interface CommitResult {
  /** Tasks whose writes were refused and dropped because their lease token was stale: another worker owns them. */
  fenced: string[];
}

/** A task to create, with all its steps. */
export interface NewTask {
  task: TaskRecord;
  steps: StepRecord[];
  /** Creates the task leased to this worker with token 1 (it runs it at once); claimable by anyone when absent. */
  lease?: Omit<LeaseTerms, 'now'>;
  /**
   * When a task created without a lease is claimable, which is also where it stands in the claim order (claims take
   * the due tasks earliest first): the engine gives a due task of priority `p` its creation time less
   * `p × priorityAgeMs`. `runAt ?? createdAt` when absent.
   */
  claimableAt?: number;
}

/** What {@link TaskLog.createTask} did: a new task, or the one that already held the idempotency key. */
export interface CreateTaskResult {
  task: TaskRecord;
  created: boolean;
}

/**
 * The store's task log: where tasks are created and every durable change of them is appended. The engine's write
 * path is its only writer.
 *
 * Promises:
 * - `createTask` and `createTasks` store each task with all its steps atomically, or nothing; a second request
 *   with the same `(namespace, name, idempotencyKey)` returns the first task and stores nothing.
 * - `commit` applies all writes of the batch in one transaction, or none of them. A batch holds at most one write
 *   per task (the engine's write queue merges a task's writes with `mergeWrites`), so a store never folds writes and
 *   may refuse a batch that names a task twice. Writes whose `leaseToken` is stale are dropped (the rest of the
 *   batch is applied) and reported as fenced. A write to a task the store does not hold fails the batch with
 *   `NotFoundError` `TASK_NOT_FOUND`.
 * - A write that takes a task to a state that is not unfinished ends its lease (see `TaskLeasing`).
 */
export interface TaskLog {
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
}
