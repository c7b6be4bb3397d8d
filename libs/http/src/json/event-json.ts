import type { CustomEvent, EngineEvent } from '@tasker/core';
import { transitionJson } from './task-json.js';
import { isoTime } from './time.js';

function isCustom(event: EngineEvent): event is CustomEvent {
  return event.type.startsWith('custom.');
}

/** An engine event as the stream sends it. */
export function eventJson(event: EngineEvent) {
  const task = {
    type: event.type,
    task_id: event.taskId,
    namespace: event.namespace,
    task_name: event.name,
    version: event.version,
    correlation_id: event.correlationId,
  };
  if (isCustom(event)) {
    // A custom event reports what a handler did, not a transition: its name, where it was published and its payload.
    return {
      ...task,
      event_name: event.eventName,
      step_name: event.stepName,
      attempt: event.attempt,
      payload: event.payload,
      at: isoTime(event.at),
    };
  }
  return {
    ...task,
    // An event is a history entry (the transition it reports) with the task's names and a duration.
    ...transitionJson(event),
    duration_ms: ('durationMs' in event ? event.durationMs : undefined) ?? null,
  };
}
