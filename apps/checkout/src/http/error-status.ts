import { TaskerError } from '@tasker/core';
import { API_ERROR_STATUS } from '@tasker/http';
import type { FastifyError, FastifyInstance } from 'fastify';

const statusOf = (code: string): number => (API_ERROR_STATUS as Record<string, number>)[code] ?? 500;

/**
 * Answers errors of the app's routes as `{ error: { code, message } }`, as the REST API does: engine errors with
 * the status the API gives their code (`API_ERROR_STATUS`), fastify's request validation with 400, anything else with 500 (logged).
 */
export function answerErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | TaskerError, request, reply) => {
    if (error instanceof TaskerError) {
      const status = statusOf(error.code);
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
