import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';

const MAX_CORRELATION_ID = 200;

/** W3C Trace Context `traceparent`: version, trace id, parent id, flags. */
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The `X-Correlation-ID` header, which becomes the task's correlation id.
 * @throws ApiError `INVALID_REQUEST` when it is empty or longer than 200 characters.
 */
export function requestCorrelationId(request: FastifyRequest): string | undefined {
  const value = single(request.headers['x-correlation-id']);
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > MAX_CORRELATION_ID) {
    const message = `must be 1 to ${MAX_CORRELATION_ID} characters`;
    throw new ApiError('INVALID_REQUEST', `headers.x-correlation-id: ${message}`, [
      { field: 'headers.x-correlation-id', message },
    ]);
  }
  return value;
}

/**
 * The caller's W3C trace context (`traceparent` and `tracestate`), handed to the engine so the task's spans join
 * the caller's trace. A malformed `traceparent` is ignored with its `tracestate`, as the W3C recommendation says,
 * rather than failing the request.
 */
export function requestTraceContext(request: FastifyRequest): Record<string, string> | undefined {
  const traceparent = single(request.headers.traceparent);
  if (traceparent === undefined || !TRACEPARENT.test(traceparent)) return undefined;
  const tracestate = single(request.headers.tracestate);
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}
