import type { EngineEvent, StepError, TransitionEvent } from '@tasker/core';

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

/** An event's error: a failed or retried step's, a task's the engine failed itself, a lost task's. */
export function errorOf(event: EngineEvent): StepError | undefined {
  return 'error' in event ? event.error : undefined;
}

/** An event's duration: an attempt's on its end, a task's run time on its outcome. */
export function durationOf(event: EngineEvent): number | undefined {
  return 'durationMs' in event ? event.durationMs : undefined;
}

/** The attributes of an event's error, none when it has none. */
export function errorAttributes(event: EngineEvent): Record<string, string> {
  const error = errorOf(event);
  return error ? stepErrorAttributes(error) : {};
}

/** The outcome an event reports: the state its task or step moved to, e.g. `completed` or `waiting_for_retry`. */
export const outcomeOf = (event: TransitionEvent): string => event.to;
