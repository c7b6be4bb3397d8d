import { randomUUID } from 'node:crypto';
import type { EngineEvent } from '../domain/events.js';
import type { Logger } from '../ports/logger.js';
import { WriteRejectedError } from '../errors/write-rejected-error.js';
import { mergeWrites } from './merge-writes.js';
import { refusedWriteFailure } from './refused-write-failure.js';
import type { StoreErrorKind } from './store-error-kind.js';
import type { StoreLifecycle } from './store-lifecycle.js';
import type { TaskLog } from './task-log.js';
import type { CommitResult, CreateTaskResult, NewTask, StoredSnapshot, TaskWrite } from './task-store.js';
import { WriteHandle } from './write-handle.js';
import type { WriteHealth } from './write-health.js';

interface Pending {
  write: TaskWrite;
  snapshotOf: () => StoredSnapshot;
  leaseToken: number | undefined;
  /** When the task's oldest write still open was queued (wall clock): how long writes wait. */
  since: number;
}

/**
 * Called once the batch holding a write committed. `dropped` names the tasks whose writes are not durable, with why:
 * fenced off by another worker's lease, refused by the store, or lost from it. Those tasks are not this engine's to
 * run any more.
 */
export type OnCommitted = (dropped: ReadonlyMap<string, string>) => void;

const NONE_DROPPED: ReadonlyMap<string, string> = new Map();

/** The batch being collected: one promise that all its writes' handles share. */
interface OpenBatch {
  committed: Promise<ReadonlyMap<string, string>>;
  settle(dropped: ReadonlyMap<string, string>): void;
}

function openBatch(): OpenBatch {
  let settle!: OpenBatch['settle'];
  const committed = new Promise<ReadonlyMap<string, string>>((resolve) => (settle = resolve));
  return { committed, settle };
}
const FENCED = 'its write was fenced off: another worker owns it';
/** Why a lost task is dropped. */
export const LOST = 'its rows vanished from the store';

interface PendingCreation extends NewTask {
  resolve(result: CreateTaskResult): void;
  reject(error: unknown): void;
  since: number;
}

/** What the engine is told of writes the store will never take. */
export interface WriteQueueHooks {
  /** The engine's time, for the failure written for a task whose write the store refused. */
  now(): number;
  /** The events to log with `failure`, the write that fails a task whose write the store refused; none when absent. */
  eventsOf?(failure: TaskWrite): EngineEvent[] | undefined;
  /**
   * The store refused `taskId`'s write for its data; `failure` is the write that failed the task instead, when the
   * store took it (else the task is only dropped).
   */
  rejected(taskId: string, error: unknown, failure: TaskWrite | undefined): void;
  /** `taskId`'s rows vanished from the store: the task is dropped. */
  lost(taskId: string, error: unknown): void;
}

/** How one commit of a batch ended after transient failures were retried: committed, or refused for good. */
type Outcome = CommitResult | { kind: Exclude<StoreErrorKind, 'transient'>; error: unknown };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** How the queue waits between attempts to commit a batch the store rejected. */
export interface WriteRetryPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * Group commit: writes of all tasks that arrive while the previous batch commits are committed together in one
 * transaction, one write per task, with the task's snapshot taken when the batch is sealed, so that one round trip
 * and one flush serve many tasks. Every state a snapshot shows was therefore recorded in the same or an earlier
 * batch. Batches commit one at a time, in order.
 *
 * What a failed commit means is the store's to say (`TaskStore.classifyError`). A `transient` failure is retried
 * with backoff until the batch commits, so a store outage delays work but loses none of it. A batch the store
 * refuses for its data, or that writes to a task the store lost, is split in halves until each offending write is
 * alone: the rest commits, so one task never holds back the others. A refused task is failed with a minimal write
 * (see `refusedWriteFailure`), a lost one dropped; both are logged as errors and told to the engine's hooks.
 *
 * New tasks are group-committed the same way, at the same time as the batch's writes (two round trips in flight
 * instead of one after the other: 5-10% more steps/s on Postgres). The two never touch one task: a task's first
 * write is queued only once its creation is answered. A creation batch that fails transiently is not retried but
 * reported to its callers, who are waiting for an answer; one the store refuses is split the same way, and only the
 * refused creation is answered with a `WriteRejectedError`.
 */
export class WriteQueue {
  readonly #store: TaskLog & Pick<StoreLifecycle, 'classifyError'>;
  readonly #logger: Logger;
  readonly #retry: WriteRetryPolicy;
  #open = new Map<string, Pending>();
  #batch = openBatch();
  #waiters: OnCommitted[] = [];
  #creations: PendingCreation[] = [];
  #flushing: Promise<void> | undefined;
  #scheduled = false;
  #idleWaiters: Array<() => void> = [];
  readonly #hooks: WriteQueueHooks;
  /** When the oldest write of the batch committing now, and of the creations being stored now, was queued. */
  #committingSince: number | undefined;
  #creatingSince: number | undefined;
  #failingSince: number | undefined;
  #consecutiveFailures = 0;
  #failedCommits = 0;
  #lostTasks = 0;
  #rejectedWrites = 0;

  constructor(
    store: TaskLog & Pick<StoreLifecycle, 'classifyError'>,
    logger: Logger,
    hooks: WriteQueueHooks,
    retry: WriteRetryPolicy = { baseMs: 50, maxMs: 5_000 },
  ) {
    this.#store = store;
    this.#logger = logger;
    this.#hooks = hooks;
    this.#retry = retry;
  }

  /** How commits fare now (see {@link WriteHealth}); ages on the wall clock. */
  health(): WriteHealth {
    const now = Date.now();
    const oldest = Math.min(
      this.#committingSince ?? now,
      this.#creatingSince ?? now,
      this.#open.values().next().value?.since ?? now,
      this.#creations[0]?.since ?? now,
    );
    return {
      ...(this.#failingSince === undefined ? {} : { failingSince: this.#failingSince }),
      consecutiveFailures: this.#consecutiveFailures,
      failedCommits: this.#failedCommits,
      oldestPendingWriteAgeMs: now - oldest,
      lostTasks: this.#lostTasks,
      rejectedWrites: this.#rejectedWrites,
    };
  }

  /**
   * Queues `write`, fenced by `leaseToken` when given, with the snapshot that `snapshotOf` gives when the batch is
   * sealed. `onCommitted` is called once the batch committed, before the returned handle settles: the engine emits
   * the write's events there, a callback rather than a promise because this is its hottest path. Whoever must wait
   * until the write is durable awaits the handle, which tells whether it is and, if not, why.
   */
  enqueue(
    write: TaskWrite,
    snapshotOf: () => StoredSnapshot,
    leaseToken: number | undefined,
    onCommitted: OnCommitted,
  ): WriteHandle {
    const open = this.#open.get(write.taskId);
    if (open) {
      open.write = mergeWrites(open.write, write);
      open.snapshotOf = snapshotOf;
      open.leaseToken = leaseToken;
    } else this.#open.set(write.taskId, { write, snapshotOf, leaseToken, since: Date.now() });
    this.#waiters.push(onCommitted);
    this.#schedule();
    return new WriteHandle(write.taskId, this.#batch.committed);
  }

  /** Resolves with what the store answers for creating `task`, committed with the other creations of its batch. */
  create(request: NewTask): Promise<CreateTaskResult> {
    return new Promise((resolve, reject) => {
      this.#creations.push({ ...request, resolve, reject, since: Date.now() });
      this.#schedule();
    });
  }

  /** Resolves when nothing is queued or committing. */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #isIdle(): boolean {
    return this.#open.size === 0 && this.#creations.length === 0 && this.#flushing === undefined && !this.#scheduled;
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing) return;
    this.#scheduled = true;
    // One macrotask of collecting lets every actor that settles in this turn join the batch.
    setImmediate(() => {
      this.#scheduled = false;
      this.#flushing = this.#flush().finally(() => {
        this.#flushing = undefined;
        if (this.#open.size > 0 || this.#creations.length > 0) this.#schedule();
        else if (this.#isIdle()) for (const resolve of this.#idleWaiters.splice(0)) resolve();
      });
    });
  }

  async #flush(): Promise<void> {
    await Promise.all([this.#createTasks(), this.#open.size > 0 ? this.#commitWrites() : undefined]);
  }

  async #createTasks(): Promise<void> {
    const creations = this.#creations;
    if (creations.length === 0) return;
    this.#creations = [];
    this.#creatingSince = creations[0]!.since;
    await this.#createIsolating(creations);
    this.#creatingSince = undefined;
  }

  /** Stores `creations` in one call; when the store refuses their data, in halves until the refused one is alone. */
  async #createIsolating(creations: PendingCreation[]): Promise<void> {
    try {
      const results = await this.#store.createTasks(
        creations.map(({ task, steps, lease, claimableAt }) => ({
          task,
          steps,
          ...(lease ? { lease } : {}),
          ...(claimableAt === undefined ? {} : { claimableAt }),
        })),
      );
      creations.forEach((creation, index) => creation.resolve(results[index]!));
    } catch (error) {
      this.#failedCommits++;
      if (this.#classify(error) === 'transient') {
        for (const creation of creations) creation.reject(error);
      } else if (creations.length === 1) {
        this.#rejectedWrites++;
        this.#logger.error(
          { err: error, taskId: creations[0]!.task.id },
          `store refused a new task: ${messageOf(error)}`,
        );
        creations[0]!.reject(new WriteRejectedError(error));
      } else {
        const half = Math.ceil(creations.length / 2);
        await this.#createIsolating(creations.slice(0, half));
        await this.#createIsolating(creations.slice(half));
      }
    }
  }

  async #commitWrites(): Promise<void> {
    this.#committingSince = this.#open.values().next().value?.since;
    // Object.assign, not a spread: V8 is many times slower at a spread that adds a key.
    const batch = [...this.#open.values()].map(({ write, snapshotOf, leaseToken }) =>
      Object.assign({}, write, { snapshot: snapshotOf(), leaseToken }),
    );
    const waiters = this.#waiters;
    const sealed = this.#batch;
    this.#open = new Map();
    this.#waiters = [];
    this.#batch = openBatch();
    const dropped = new Map<string, string>();
    await this.#commitIsolating(batch, randomUUID(), dropped);
    this.#committingSince = undefined;
    const outcome = dropped.size === 0 ? NONE_DROPPED : dropped;
    for (const onCommitted of waiters) onCommitted(outcome);
    sealed.settle(outcome);
  }

  /**
   * Commits `writes`; when the store refuses them or misses a task, commits them in halves until each offending
   * write is alone, and gives that one up. Halves get ids of their own: the store may have recorded none of them.
   */
  async #commitIsolating(writes: TaskWrite[], id: string, dropped: Map<string, string>): Promise<void> {
    const outcome = await this.#commitRetrying(writes, id);
    if ('fenced' in outcome) {
      for (const taskId of outcome.fenced) dropped.set(taskId, FENCED);
    } else if (writes.length > 1) {
      const half = Math.ceil(writes.length / 2);
      await this.#commitIsolating(writes.slice(0, half), `${id}.0`, dropped);
      await this.#commitIsolating(writes.slice(half), `${id}.1`, dropped);
    } else await this.#giveUp(writes[0]!, outcome, id, dropped);
  }

  /** Commits `writes`, retrying with backoff while the failures are transient. */
  async #commitRetrying(writes: readonly TaskWrite[], id: string): Promise<Outcome> {
    for (let failures = 0; ; failures++) {
      try {
        const result = await this.#store.commit(writes, { id });
        this.#consecutiveFailures = 0;
        this.#failingSince = undefined;
        return result;
      } catch (error) {
        this.#failedCommits++;
        const kind = this.#classify(error);
        if (kind !== 'transient') return { kind, error };
        this.#consecutiveFailures++;
        this.#failingSince ??= Date.now();
        const delayMs = Math.min(this.#retry.maxMs, this.#retry.baseMs * 2 ** failures);
        this.#logger.warn(
          { err: error, writes: writes.length, failures: failures + 1, retryInMs: delayMs },
          'store commit failed; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /** A write the store will never take: its task is lost, or failed by a minimal write when the store takes that. */
  async #giveUp(
    write: TaskWrite,
    refusal: Exclude<Outcome, CommitResult>,
    id: string,
    dropped: Map<string, string>,
  ): Promise<void> {
    const { taskId } = write;
    const { error } = refusal;
    if (refusal.kind === 'lost') {
      dropped.set(taskId, LOST);
      this.reportLost(taskId, error);
      return;
    }
    this.#rejectedWrites++;
    this.#logger.error({ err: error, taskId }, `store refused a task's write, failing the task: ${messageOf(error)}`);
    const failure = refusedWriteFailure(write, messageOf(error), this.#hooks.now());
    const events = this.#hooks.eventsOf?.(failure);
    if (events?.length) failure.events = events;
    const outcome = await this.#commitRetrying([failure], `${id}.failed`);
    const failed = 'fenced' in outcome && outcome.fenced.length === 0;
    if (!failed) this.#logger.error({ taskId }, 'the store refused the failure of the task too; dropped from memory');
    dropped.set(taskId, failed ? 'the store refused its data, so it was failed' : 'the store refused its data');
    this.#hooks.rejected(taskId, error, failed ? failure : undefined);
  }

  /**
   * Counts, logs and tells the engine's hooks of a task whose rows vanished from the store: found by a commit here,
   * or by the engine when a lease it renews is gone with its task.
   */
  reportLost(taskId: string, error: unknown): void {
    this.#lostTasks++;
    this.#logger.error({ err: error, taskId }, `task lost: the store no longer holds it (${messageOf(error)})`);
    this.#hooks.lost(taskId, error);
  }

  #classify(error: unknown): StoreErrorKind {
    return this.#store.classifyError?.(error) ?? 'transient';
  }
}
