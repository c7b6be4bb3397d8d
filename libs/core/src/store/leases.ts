/**
 * A worker's hold on one task. While it lasts no other worker claims the task, and the store
 * accepts the task's writes only with its token.
 */
export interface Lease {
  taskId: string;
  /**
   * The fencing token: every claim of the task raises it, so the writes of a worker that lost the task (paused past
   * its lease, say) carry a smaller token and are refused.
   */
  token: number;
}

/** Which worker claims tasks, until when, and by which clock. */
export interface LeaseTerms {
  workerId: string;
  /** The engine clock's time now (ms since the epoch): tasks due at or before it are claimable. */
  now: number;
  /** When the leases end unless renewed (ms since the epoch). */
  until: number;
}

/** What {@link TaskLeasing.claimTasks} asks for. */
export interface ClaimRequest extends LeaseTerms {
  /** Most tasks to claim. */
  limit: number;
  /**
   * Also claims unfinished tasks still leased to `workerId`: a worker restarted under the same id takes back at once
   * what its previous run held, instead of waiting for those leases to expire. Only for a worker that runs none of
   * its tasks yet (the claim raises their tokens, fencing off anything still holding them).
   */
  reclaimOwn?: boolean;
}

/** What {@link TaskLeasing.claimTasks} claimed. */
export interface ClaimResult {
  leases: Lease[];
  /**
   * The earliest time after `now` at which an unfinished task becomes claimable (a passivated task's wake-up or
   * another worker's lease expiry), when the store knows one: an idle worker sleeps until then.
   */
  nextDueAt?: number;
}

/** A lease given back: the task is claimable at once, or at `wakeAt` when it was passivated. */
export interface LeaseRelease extends Lease {
  wakeAt?: number;
}

/** The leases one worker holds now. */
export interface WorkerLeases {
  workerId: string;
  leases: number;
  /** When the first of them expires unless renewed. */
  firstExpiry: number;
}
