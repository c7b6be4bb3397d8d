import { TaskerError } from '@tasker/core';
import { API_ERROR_STATUS, ApiError, isStoreUnavailable, toApiError } from '@tasker/http';
import type { FastifyError, FastifyInstance } from 'fastify';

const statusOf = (code: string): number | undefined => (API_ERROR_STATUS as Record<string, number>)[code];

/**
 * Answers errors of the app's routes as `{ error: { code, message } }`, as the REST API does: the API's own errors
 * and engine errors with the status the API gives their code (`API_ERROR_STATUS`) and their own message, fastify's
 * request validation with 400, a database or task store that cannot be reached or does not answer in time with 503
 * `STORE_UNAVAILABLE`, anything else with 500 `INTERNAL_ERROR`. A 5xx never shows the error itself (a driver's
 * message tells an anonymous client about the database): it carries the request's id, and the log line with the
 * same id has the details.
 */
export function answerErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | TaskerError, request, reply) => {
    if (error instanceof ApiError && error.status < 500) {
      return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    }
    const engineStatus = error instanceof TaskerError ? statusOf(error.code) : undefined;
    if (engineStatus !== undefined) {
      return reply.code(engineStatus).send({ error: { code: error.code, message: error.message } });
    }
    if ((error as FastifyError).validation) {
      return reply.code(400).send({ error: { code: 'INVALID_REQUEST', message: error.message } });
    }
    const statusCode = (error as FastifyError).statusCode;
    if (!(error instanceof TaskerError) && statusCode !== undefined && statusCode < 500) {
      // Fastify's own refusals (a body too large, not JSON, a malformed URL) under the API's codes.
      const apiError = toApiError(error);
      return reply.code(apiError.status).send({ error: { code: apiError.code, message: apiError.message } });
    }
    const unavailable = (error instanceof ApiError && error.code === 'STORE_UNAVAILABLE') || isStoreUnavailable(error);
    const [status, code, message] = unavailable
      ? [503, 'STORE_UNAVAILABLE', 'The database cannot be reached; try again shortly']
      : [500, 'INTERNAL_ERROR', 'Internal error'];
    request.log.error({ err: error }, 'Request failed');
    return reply.code(status).send({ error: { code, message, request_id: request.id } });
  });
}
