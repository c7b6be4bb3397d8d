import type { InvalidRequestError } from '@tasker/core';
import { ApiError } from './api-error.js';

/**
 * The engine's refusal of one of its fields (`olderThan`) said at the request's own field (`body.older_than`): a 400
 * naming the field the client sent.
 */
export function invalidAt(field: string, error: InvalidRequestError): ApiError {
  const message = error.message.slice(error.field.length + ': '.length);
  return new ApiError('INVALID_REQUEST', `${field}: ${message}`, [{ field, message }]);
}
