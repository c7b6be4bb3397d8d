import type { ClaimRequest, ClaimResult, Lease, LeaseRelease, LeaseTerms, WorkerLeases } from './leases.js';

/**
 * How several workers share one store: leases on tasks, claimed, renewed and given back, and the signal that work
 * may be waiting.
 *
 * Promises:
 * - An unfinished task (`pending`, `in_progress`) is claimable when no lease holds it, or its lease expired, and it
 *   is due (not passivated, or its wake-up time has come). Every claim raises the task's fencing token, which the
 *   task log checks on every write.
 * - A task whose lease ended because it finished is claimable by nobody (`claimTask` still takes it for an
 *   operator's action).
 */
export interface TaskLeasing {
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
}
