import { PermanentError, RetryableError } from '@tasker/core';
import { ServiceError } from '../services/service-error.js';

/**
 * What a step handler throws for a service's error: a permanent refusal fails the step at once, a transient one is
 * retried (after the service's retry-after, when it gave one). Anything else is rethrown as it is, and retried.
 */
export function asStepError(error: unknown, permanentPrefix: string, transientPrefix: string): unknown {
  if (!(error instanceof ServiceError)) return error;
  if (!error.transient) return new PermanentError(`${permanentPrefix}: ${error.message}`, { code: 'SERVICE_REFUSED' });
  return new RetryableError(`${transientPrefix}: ${error.message}`, {
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  });
}
