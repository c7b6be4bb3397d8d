import type { StoreErrorKind } from './store-error-kind.js';

/** What the engine asks of a store besides its data: what its failures mean, and closing it. */
export interface StoreLifecycle {
  /**
   * What a failure of `commit` or `createTasks` means for the data it carried (see {@link StoreErrorKind}): the store
   * knows its driver's errors. Without it, every failure counts as `transient` and is retried until it succeeds.
   * On a `rejected` or `lost` failure the engine splits the batch until the offending write is alone, commits the
   * rest, and fails (or drops) the offending task; a creation the store refuses is answered with its own error and
   * the others of the batch are created.
   */
  classifyError?(error: unknown): StoreErrorKind;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
