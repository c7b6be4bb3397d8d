import { TaskerError } from '@tasker/core';
import type { FastifyError, FastifyInstance } from 'fastify';

/** HTTP statuses of the engine's error codes that the app's own routes can meet. */
const STATUS_OF_CODE: Record<string, number> = {
  INVALID_CONTEXT: 400,
  INVALID_REQUEST: 400,
  TASK_NOT_FOUND: 404,
  TEMPLATE_NOT_FOUND: 404,
  ENGINE_STOPPED: 503,
};

/**
 * Answers errors of the app's routes as `{ error: { code, message } }`: engine errors with the status of their
 * code, fastify's request validation with 400, anything else with 500 (logged).
 */
export function answerErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | TaskerError, request, reply) => {
    if (error instanceof TaskerError) {
      const status = STATUS_OF_CODE[error.code] ?? 500;
      return reply.code(status).send({ error: { code: error.code, message: error.message } });
    }
    if (error.validation) {
      return reply.code(400).send({ error: { code: 'INVALID_REQUEST', message: error.message } });
    }
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'Request failed');
    return reply.code(status).send({ error: { code: error.code ?? 'INTERNAL_ERROR', message: error.message } });
  });
}
