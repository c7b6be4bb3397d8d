/** Error codes of Node sockets and drivers that mean the store's server cannot be reached. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  // PostgreSQL: the server is shutting down or not accepting connections.
  '57P01',
  '57P02',
  '57P03',
]);

/** Class names of driver errors with the same meaning (knex's pool timeout, ioredis giving up). */
const CONNECTION_ERROR_NAMES = new Set(['KnexTimeoutError', 'MaxRetriesPerRequestError']);

/**
 * Whether `error` says the store's server is down or unreachable, rather than that the request was wrong: such
 * errors answer `503 STORE_UNAVAILABLE`, which a client may retry later.
 */
export function isStoreUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    if (CONNECTION_ERROR_NAMES.has(cause.name)) return true;
    if (/Connection is closed|connect ECONNREFUSED|Stream isn't writeable/.test(cause.message)) return true;
    if (cause instanceof AggregateError && cause.errors.some(isStoreUnavailable)) return true;
  }
  return false;
}
