import { TaskerError } from '../errors/tasker-error.js';

/**
 * What a failed store call means for the data it carried (see `TaskStore.classifyError`):
 * - `transient`: the store could not take it now (connection refused or reset, timeout, pool exhausted,
 *   serialization failure, deadlock, read-only replica): the same call may succeed later, so the engine retries it;
 * - `rejected`: the store refuses this data and always will (an invalid byte sequence, a value too large, a
 *   constraint the data breaks, JSON the driver cannot encode): retrying cannot help;
 * - `lost`: a task the call writes to is not in the store any more (its rows or keys vanished).
 */
export type StoreErrorKind = 'transient' | 'rejected' | 'lost';

/**
 * How every store classifies the errors that are not its driver's: a task missing from the store (`TASK_NOT_FOUND`,
 * which every adapter throws for a write to an unknown task) is `lost`; a `TypeError` or `RangeError` raised while
 * encoding the data (`BigInt` in `JSON.stringify`, a string too long) is `rejected`. `undefined` for anything else,
 * which the store classifies by its driver's codes.
 */
export function classifyEngineError(error: unknown): StoreErrorKind | undefined {
  if (error instanceof TaskerError && error.code === 'TASK_NOT_FOUND') return 'lost';
  if (error instanceof TypeError || error instanceof RangeError) return 'rejected';
  return undefined;
}
