/**
 * How the engine's writes to its store fare: what readiness checks and metrics read. Counts are since the engine
 * was created.
 */
export interface WriteHealth {
  /** When the current run of failing commits began (ms since the epoch); absent while commits succeed. */
  failingSince?: number;
  /** Commits that failed in a row and are being retried (store down, connections refused, timeouts). */
  consecutiveFailures: number;
  /** Every commit or creation call the store failed, whatever the reason. */
  failedCommits: number;
  /** How long the oldest write (or task creation) not yet committed has waited, in ms; 0 when none waits. */
  oldestPendingWriteAgeMs: number;
  /** Tasks dropped because their rows vanished from the store (e.g. a Redis that lost its data). */
  lostTasks: number;
  /** Writes and creations the store refused for their data, each isolated from its batch and failed alone. */
  rejectedWrites: number;
}
