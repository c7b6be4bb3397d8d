import { checkJson, type JsonCaps } from '../domain/check-json.js';
import type { CustomEvent } from '../domain/events.js';
import type { JsonValue } from '../domain/json.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import type { EventTaskInfo } from './events-from-write.js';

/** What a handler's `ctx.publish` was called with, and where. */
export interface Publication {
  task: EventTaskInfo;
  stepName: string;
  attempt: number;
  name: string;
  payload: unknown;
}

/**
 * The custom event a handler publishes, checked: its name must be one its template declares (`declared`), its
 * payload JSON within `caps`; an absent payload is `null`.
 * @throws InvalidRequestError naming the undeclared event or the payload's problem.
 */
export function customEvent(
  publication: Publication,
  declared: readonly string[],
  caps: JsonCaps,
  at: number,
): CustomEvent {
  const { task, stepName, attempt, name, payload } = publication;
  if (typeof name !== 'string' || !declared.includes(name)) {
    const known = declared.length > 0 ? `it declares ${declared.join(', ')}` : 'it declares none';
    throw new InvalidRequestError(
      'publish',
      `'${String(name)}' is no custom event of ${task.namespace}/${task.name}@${task.version} (${known} in customEvents)`,
    );
  }
  const json = payload === undefined ? null : payload;
  checkJson(json, 'payload', caps);
  return {
    type: `custom.${name}`,
    eventName: name,
    taskId: task.taskId,
    namespace: task.namespace,
    name: task.name,
    version: task.version,
    correlationId: task.correlationId,
    ...(task.traceContext === undefined ? {} : { traceContext: task.traceContext }),
    by: stepName,
    at,
    stepName,
    attempt,
    payload: structuredClone(json as JsonValue),
  };
}
