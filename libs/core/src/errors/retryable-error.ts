import { TaskerError } from './tasker-error.js';

/**
 * Thrown by a step handler for a transient failure. `retryAfterMs` (a rate limit's Retry-After, say) replaces the
 * computed backoff, up to the backoff's cap. Any other error a handler throws is retried as well; this class adds
 * the delay and a code.
 *
 * @example
 * throw new RetryableError('Rate limited by the payment processor', { retryAfterMs: 2_000 });
 */
export class RetryableError extends TaskerError {
  readonly retryAfterMs?: number;

  constructor(message: string, options?: ErrorOptions & { code?: string; retryAfterMs?: number }) {
    super(options?.code ?? 'RETRYABLE_ERROR', message, options);
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}
