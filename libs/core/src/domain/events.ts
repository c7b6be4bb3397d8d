import type { JsonValue } from './json.js';
import type { StepError, WaitingFor } from './records.js';
import type { StepState, TaskState } from './states.js';

/** The events of a task's own transitions, and `task.lost`. */
export const TASK_EVENT_TYPES = [
  'task.started',
  'task.resumed',
  'task.completed',
  'task.failed',
  'task.cancelled',
  'task.resolved_manually',
  'task.compensating',
  'task.compensation_failed',
  'task.lost',
] as const;

/** The events of a step's transitions. */
export const STEP_EVENT_TYPES = [
  'step.started',
  'step.retry_scheduled',
  'step.waiting',
  'step.signal_received',
  'step.throttled',
  'step.completed',
  'step.failed',
  'step.cancelled',
  'step.resolved_manually',
  'step.reset',
  'step.skipped',
  'step.compensating',
  'step.compensated',
  'step.compensation_failed',
] as const;

/**
 * Every event the engine emits: one per durable transition, after it is durable; and `task.lost` when a task's rows
 * vanished from the store (from and to `in_progress`, `error` code `TASK_LOST`).
 */
export const EVENT_TYPES = [...TASK_EVENT_TYPES, ...STEP_EVENT_TYPES] as const;

/** The name of a `task.*` event. */
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];
/** The name of a `step.*` event. */
export type StepEventType = (typeof STEP_EVENT_TYPES)[number];
/** The name of an engine event, e.g. `step.failed`. */
export type EngineEventType = TaskEventType | StepEventType;

/** What every engine event carries: the task it is about, and who moved it when. */
export interface EventBase {
  taskId: string;
  namespace: string;
  /** The task template's name, e.g. `process_order`. */
  name: string;
  version: string;
  correlationId: string;
  /** The task's W3C trace context carrier, when it has one (see `TaskRecord.traceContext`). */
  traceContext?: Record<string, string>;
  /** Who caused the transition: `engine`, or the operator an action named. */
  by: string;
  reason?: string;
  at: number;
}

/** The events of the task's own transitions: every `task.*` but `task.lost`. */
export type TaskTransitionType = Exclude<TaskEventType, 'task.lost'>;

/** A transition of the task itself: no step fields. */
export interface TaskTransitionEvent<T extends TaskTransitionType = TaskTransitionType> extends EventBase {
  type: T;
  from: TaskState;
  to: TaskState;
  /** The task's run time, on its outcomes (`completed`, `failed`, `cancelled`, `resolved_manually`). */
  durationMs?: number;
  /** On `task.failed` when the engine failed the task because the store refused its data (`WRITE_REJECTED`). */
  error?: StepError;
}

/** A running task whose rows vanished from the store: dropped by the engine, reported with `TASK_LOST`. */
export interface TaskLostEvent extends EventBase {
  type: 'task.lost';
  from: 'in_progress';
  to: 'in_progress';
  error: StepError;
}

/** The state each step event moves its step to. */
export interface StepEventTargets {
  'step.started': 'in_progress';
  'step.retry_scheduled': 'waiting_for_retry';
  'step.waiting': 'waiting';
  /** A waiting step got its signal: it runs its handler again, which finds the signal's payload. */
  'step.signal_received': 'in_progress';
  /** The step waits for a slot of its concurrency key or a token of its rate limit: no attempt runs. */
  'step.throttled': 'throttled';
  'step.completed': 'completed';
  'step.failed': 'failed';
  'step.cancelled': 'cancelled';
  'step.resolved_manually': 'resolved_manually';
  'step.reset': 'pending';
  'step.skipped': 'skipped';
  'step.compensating': 'compensating';
  'step.compensated': 'compensated';
  'step.compensation_failed': 'compensation_failed';
}

/** What every `step.*` event carries besides the task's fields. */
export interface StepEventBase<T extends StepEventType> extends EventBase {
  type: T;
  stepName: string;
  /** The step's attempt number: how many attempts it had started when it moved. */
  attempt: number;
  from: StepState;
  to: StepEventTargets[T];
}

/** The fields a `step.*` event carries besides those of every step event, by its type. */
export interface StepEventFields {
  'step.started': object;
  'step.retry_scheduled': {
    /** The failed attempt's duration. */
    durationMs?: number;
    /** Why the attempt failed. */
    error?: StepError;
    /** When the step starts again. */
    nextRetryAt?: number;
  };
  'step.waiting': {
    /** What the step waits for: a signal, a time, or both. */
    waitingFor?: WaitingFor;
    /** When it wakes up at the latest (`waitingFor.until`). */
    nextRetryAt?: number;
  };
  'step.signal_received': object;
  'step.throttled': {
    /** When it asks again at the latest: its rate limit's next token, or the first lease end of its key's slots. */
    nextRetryAt?: number;
  };
  'step.completed': {
    /** The attempt's duration. */
    durationMs?: number;
    /** The step's result. */
    results?: JsonValue;
  };
  'step.failed': {
    /** The last attempt's duration. */
    durationMs?: number;
    /** Why the step failed. */
    error?: StepError;
  };
  'step.cancelled': object;
  'step.resolved_manually': {
    /** The result an operator gave the step. */
    results?: JsonValue;
  };
  'step.reset': object;
  'step.skipped': object;
  'step.compensating': object;
  'step.compensated': {
    /** The last compensation attempt's duration. */
    durationMs?: number;
  };
  'step.compensation_failed': {
    /** The last compensation attempt's duration. */
    durationMs?: number;
    /** Why the compensation failed. */
    error?: StepError;
  };
}

/** A `step.*` event; `StepEvent<'step.failed'>` is that one event with its own fields. */
export type StepEvent<T extends StepEventType = StepEventType> = T extends StepEventType
  ? StepEventBase<T> & StepEventFields[T]
  : never;

/** A `task.*` event: a task transition, or `task.lost`. */
export type TaskEvent = TaskTransitionEvent | TaskLostEvent;

/** The type of a custom event: `custom.` and the name its template declares (`custom.order_shipped`). */
export type CustomEventType = `custom.${string}`;

/**
 * An event a step handler published with `ctx.publish(name, payload)`, under a name its template declares in
 * `customEvents`. Emitted as the handler publishes it, not after a commit: it reports what the handler did, not a
 * durable transition, so an attempt that is retried may publish it again.
 */
export interface CustomEvent extends EventBase {
  type: CustomEventType;
  /** The name as declared, without the `custom.` prefix. */
  eventName: string;
  stepName: string;
  /** The attempt that published the event. */
  attempt: number;
  /** What the handler published; JSON by the engine's rule (`checkJson`). */
  payload: JsonValue;
}

/** A durable transition's event: every engine event but the custom ones. */
export type TransitionEvent = TaskEvent | StepEvent;

/** Whether `event` is a custom event (`custom.*`) rather than a transition's. */
export function isCustomEvent(event: EngineEvent): event is CustomEvent {
  return event.type.startsWith('custom.');
}

/** Every engine event, a union keyed by `type`: `switch (event.type)` narrows it to that event's fields. */
export type EngineEvent = TaskEvent | StepEvent | CustomEvent;

/**
 * An event name, or a pattern: `'*'` for all, `'step.*'` for every step event, `'custom.*'` for every custom
 * event, `'custom.order_shipped'` for one.
 */
export type EventPattern = EngineEventType | 'task.*' | 'step.*' | CustomEventType | '*';

/** The event a listener of `P` receives: `EventOf<'step.failed'>` is the `step.failed` event, `EventOf<'*'>` any. */
export type EventOf<P extends EventPattern> = P extends StepEventType
  ? StepEvent<P>
  : P extends TaskTransitionType
    ? TaskTransitionEvent<P>
    : P extends 'task.lost'
      ? TaskLostEvent
      : P extends 'step.*'
        ? StepEvent
        : P extends 'task.*'
          ? TaskEvent
          : P extends '*'
            ? EngineEvent
            : P extends CustomEventType
              ? CustomEvent
              : EngineEvent;
