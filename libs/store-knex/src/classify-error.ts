import { classifyEngineError, type StoreErrorKind } from '@tasker/core';

/**
 * SQLSTATE classes of PostgreSQL errors that the same data meets again however often it is sent: data exceptions
 * (22: an invalid byte sequence 22021, an unsupported Unicode escape in JSON 22P05, a value too long 22001),
 * integrity constraint violations (23; the store answers the ones it expects, repeated idempotency keys, in its own
 * SQL) and program limits exceeded (54: a row or statement too large).
 */
const REJECTED_SQLSTATE_CLASSES = new Set(['22', '23', '54']);
const SQLSTATE = /^[0-9A-Z]{5}$/;
/** better-sqlite3 result codes that refuse the data itself (extended codes such as `SQLITE_CONSTRAINT_CHECK` too). */
const REJECTED_SQLITE_CODE = /^SQLITE_(MISMATCH|TOOBIG|CONSTRAINT|RANGE)/;

/**
 * What a failed call means for its data, on PostgreSQL and SQLite (see `TaskStore.classifyError`): the errors above
 * and the engine's own (`classifyEngineError`) are permanent; everything else, connection refused or reset, knex's
 * pool timeout, serialization failures (40001), deadlocks (40P01), a server shutting down (57P01), a read-only
 * replica (25006), `SQLITE_BUSY`, is transient and retried.
 */
export function classifyKnexError(error: unknown): StoreErrorKind {
  const engine = classifyEngineError(error);
  if (engine) return engine;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code !== 'string') return 'transient';
  if (SQLSTATE.test(code) && REJECTED_SQLSTATE_CLASSES.has(code.slice(0, 2))) return 'rejected';
  return REJECTED_SQLITE_CODE.test(code) ? 'rejected' : 'transient';
}
