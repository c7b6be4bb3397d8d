import type { Engine, EngineEvent, Logger } from '@tasker/core';

const ERRORS = new Set(['step.failed', 'task.failed', 'step.compensation_failed', 'task.compensation_failed']);

/** The level of each transition's line: failures stand out, retries and compensations warn, the rest is information. */
function levelOf(event: EngineEvent): 'info' | 'warn' | 'error' {
  if (ERRORS.has(event.type)) return 'error';
  if (event.type === 'step.retry_scheduled' || event.type === 'task.compensating') return 'warn';
  return 'info';
}

/**
 * The fields of an event's line. The template's name goes under `taskName`: pino's `name` is the logger's.
 */
function fieldsOf(event: EngineEvent): Record<string, unknown> {
  const { type, name, traceContext, ...fields } = event;
  const traceId = traceContext?.traceparent?.split('-')[1];
  const line: Record<string, unknown> = { event: type, taskName: name, ...fields };
  delete line.results; // business data
  return traceId === undefined ? line : { ...line, traceId };
}

/**
 * Writes one JSON line per transition of `engine` to `logger` (pino, or anything of the engine's `Logger` shape):
 * the event type as the message, with task id, namespace, task name, version, correlation id, step name, attempt, the
 * states moved between, duration, error, who caused it and the trace id. Step results are left out: they are
 * business data. Returns the function that stops logging.
 *
 * @example
 * logEngineEvents(engine, createLogger());
 * // {"level":40,"name":"tasker","event":"step.retry_scheduled","taskId":"…","stepName":"process_payment",
 * //  "attempt":1,"correlationId":"req_abc123","error":{"message":"Payment gateway timeout",…},"msg":"step.retry_scheduled"}
 */
export function logEngineEvents(engine: Engine, logger: Logger): () => void {
  return engine.on('*', (event) => logger[levelOf(event)](fieldsOf(event), event.type));
}
