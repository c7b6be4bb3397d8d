import { ContextValidationError, InvalidRequestError, SignalValidationError, TaskerError } from '@tasker/core';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { API_ERROR_STATUS, type ApiErrorCode, type ErrorBody, type FieldProblem } from './api-error-codes.js';
import { ApiError } from './api-error.js';
import { isStoreUnavailable } from './store-unavailable.js';

/** One failed check of a request schema, as fastify hands it to the error handler. */
interface SchemaProblem {
  instancePath?: string;
  message?: string;
}

/** What fastify adds to an error of its own or of schema validation. */
interface FastifyErrorFields {
  code?: string;
  statusCode?: number;
  validation?: SchemaProblem[];
  validationContext?: string;
}

/** `/a/0/b` (a JSON pointer) as `a.0.b`, after `prefix`. */
function fieldPath(prefix: string, pointer: string | undefined): string {
  const parts = (pointer ?? '').split('/').filter((part) => part !== '');
  return [prefix, ...parts.map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))].join('.');
}

const FASTIFY_CODES: Record<string, ApiErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * The one translation of anything a route can throw into the API's error: schema failures with every field,
 * engine errors by their stable code, fastify's own errors, an unreachable store. Whatever else is an
 * `INTERNAL_ERROR`, whose message is not shown to the client.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const fastify = (typeof error === 'object' && error !== null ? error : {}) as FastifyErrorFields;
  if (Array.isArray(fastify.validation)) {
    const where = fastify.validationContext === 'querystring' ? 'query' : (fastify.validationContext ?? 'request');
    const fields: FieldProblem[] = fastify.validation.map((problem) => ({
      field: fieldPath(where, problem.instancePath),
      message: problem.message ?? 'is invalid',
    }));
    const summary = fields.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
    return new ApiError('INVALID_REQUEST', `Invalid request: ${summary}`, fields);
  }
  if (error instanceof ContextValidationError) {
    const fields = error.violations.map((violation) => ({
      field: fieldPath('body.context', violation.path),
      message: violation.message,
    }));
    return new ApiError('INVALID_CONTEXT', error.message, fields);
  }
  if (error instanceof SignalValidationError) {
    const fields = error.violations.map((violation) => ({
      field: fieldPath('body', violation.path),
      message: violation.message,
    }));
    return new ApiError('INVALID_SIGNAL', error.message, fields);
  }
  if (error instanceof InvalidRequestError) {
    return new ApiError('INVALID_REQUEST', error.message, [{ field: error.field, message: error.message }]);
  }
  if (error instanceof TaskerError) {
    if (error.code === 'STORE_SCHEMA_MISMATCH') return new ApiError('STORE_UNAVAILABLE', error.message);
    if (error.code in API_ERROR_STATUS) return new ApiError(error.code as ApiErrorCode, error.message);
  }
  if (isStoreUnavailable(error)) return new ApiError('STORE_UNAVAILABLE', 'The task store cannot be reached');
  const mapped = fastify.code === undefined ? undefined : FASTIFY_CODES[fastify.code];
  const message = error instanceof Error ? error.message : String(error);
  if (mapped) return new ApiError(mapped, message);
  if (fastify.statusCode !== undefined && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return new ApiError('INVALID_REQUEST', message);
  }
  return new ApiError('INTERNAL_ERROR', 'Internal error');
}

/** The JSON body every error answers with: `{ error: { code, message, fields?, request_id? } }`. */
export function errorBody(apiError: ApiError, requestId: string): ErrorBody {
  const fields = apiError.fields === undefined ? {} : { fields: apiError.fields };
  const request = apiError.status >= 500 ? { request_id: requestId } : {};
  return { error: { code: apiError.code, message: apiError.message, ...fields, ...request } };
}

/**
 * Fastify's `frameworkErrors` server option: what fastify answers before any plugin runs (a URL whose
 * percent-encoding is not UTF-8, e.g. a lone surrogate) in the API's format with a registered code, instead of
 * fastify's own. A plugin cannot set it; pass it to `Fastify({ frameworkErrors: taskerFrameworkErrors })`.
 */
export const taskerFrameworkErrors = ((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
  const apiError = toApiError(error);
  return reply.code(apiError.status).send(errorBody(apiError, request.id));
}) as NonNullable<FastifyServerOptions['frameworkErrors']>;
