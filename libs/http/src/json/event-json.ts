import type { EngineEvent } from '@tasker/core';
import { isoTime } from './time.js';

/** An engine event as the stream sends it. */
export function eventJson(event: EngineEvent) {
  return {
    type: event.type,
    task_id: event.taskId,
    namespace: event.namespace,
    task_name: event.name,
    version: event.version,
    correlation_id: event.correlationId,
    step_name: event.stepName ?? null,
    from_state: event.from,
    to_state: event.to,
    attempt: event.attempt ?? null,
    duration_ms: event.durationMs ?? null,
    error_message: event.error?.message ?? null,
    error_code: event.error?.code ?? null,
    by: event.by,
    reason: event.reason ?? null,
    at: isoTime(event.at),
  };
}
