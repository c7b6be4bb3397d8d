import type { EngineEvent, StepError } from '@tasker/core';

/** The attribute names of Tasker's spans, metrics and log lines, in one place so dashboards can rely on them. */
export const ATTR = {
  namespace: 'tasker.namespace',
  name: 'tasker.task.name',
  version: 'tasker.task.version',
  taskId: 'tasker.task.id',
  correlationId: 'tasker.correlation_id',
  stepName: 'tasker.step.name',
  attempt: 'tasker.step.attempt',
  outcome: 'tasker.outcome',
  errorMessage: 'tasker.error.message',
  errorCode: 'tasker.error.code',
  /** OpenTelemetry's own attribute for the class of an error. */
  errorType: 'error.type',
} as const;

/** The attributes of the task an event belongs to. */
export function taskAttributes(event: EngineEvent): Record<string, string> {
  return {
    [ATTR.namespace]: event.namespace,
    [ATTR.name]: event.name,
    [ATTR.version]: event.version,
    [ATTR.taskId]: event.taskId,
    [ATTR.correlationId]: event.correlationId,
  };
}

/** The attributes of a step's error. */
export function stepErrorAttributes(error: StepError): Record<string, string> {
  return { [ATTR.errorMessage]: error.message, [ATTR.errorCode]: error.code, [ATTR.errorType]: error.name };
}

/** The attributes of an event's error, none when it has none. */
export function errorAttributes(event: EngineEvent): Record<string, string> {
  return event.error ? stepErrorAttributes(event.error) : {};
}

/** The outcome an event reports: the state its task or step moved to, e.g. `completed` or `waiting_for_retry`. */
export const outcomeOf = (event: EngineEvent): string => event.to;
