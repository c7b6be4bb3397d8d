import type { EngineEvent } from '@tasker/core';
import { transitionJson } from './task-json.js';

/** An engine event as the stream sends it. */
export function eventJson(event: EngineEvent) {
  return {
    type: event.type,
    task_id: event.taskId,
    namespace: event.namespace,
    task_name: event.name,
    version: event.version,
    correlation_id: event.correlationId,
    // An event is a history entry (the transition it reports) with the task's names and a duration.
    ...transitionJson(event),
    duration_ms: ('durationMs' in event ? event.durationMs : undefined) ?? null,
  };
}
