import type { JsonObject, JsonValue } from './json.js';
import type { StepState, TaskState } from './states.js';
import type { StepSettings } from './template.js';

/** An error as it is stored and shown: plain JSON, whatever the handler threw. */
export interface StepError {
  message: string;
  /** A stable machine-readable code, e.g. `STEP_TIMEOUT` or one a handler's error carried. */
  code: string;
  /** The thrown error's class name. */
  name: string;
  /** What a handler threw when it was not an `Error` (`throw { code: 'E_CUSTOM', detail: 1 }`), when it is JSON. */
  data?: JsonValue;
  /** The stack of the `Error` a handler threw (its first 4 KiB), to find the line that threw. */
  stack?: string;
}

/** A task as the store keeps it: one row, queryable by every field of {@link TaskFilter}. */
export interface TaskRecord {
  id: string;
  namespace: string;
  name: string;
  version: string;
  state: TaskState;
  context: JsonObject;
  correlationId: string;
  idempotencyKey?: string;
  initiator?: string;
  sourceSystem?: string;
  reason?: string;
  tags: string[];
  /** Most steps of this task that run at once. */
  maxParallelSteps: number;
  /** Name of the task handler whose hooks run for this task. */
  taskHandler?: string;
  /** Why the task failed, summarised from its failed steps. */
  errorMessage?: string;
  /**
   * The trace this task belongs to, as a W3C Trace Context carrier (`traceparent`, `tracestate`): kept with the task
   * so that whichever process runs or resumes it continues the same trace.
   */
  traceContext?: Record<string, string>;
  /**
   * How soon workers claim the task among those waiting for one, when higher than 0: a task of priority `p` is claimed
   * as if it had become due `p × priorityAgeMs` earlier (see `EngineOptions.priorityAgeMs`).
   */
  priority?: number;
  /** When the task was asked to start (`runAt` of its request), when later than its creation: no worker starts it before. */
  runAt?: number;
  /**
   * When the task fails with `DEADLINE_EXCEEDED` if it has not finished (ms since the epoch): its `deadlineMs` after
   * it became due (its `runAt`, else its creation), renewed by an operator's retry.
   */
  deadlineAt?: number;
  /** The schedule that fired this task (see `Engine.schedule`). */
  scheduleId?: string;
  /** The fire time of {@link scheduleId} this task is for (ms since the epoch): one task per schedule and time. */
  scheduledFor?: number;
  /** Milliseconds since the epoch, from the engine's clock. */
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  completedAt?: number;
}

/** A step of one task as the store keeps it, with the settings in force for this task. */
export interface StepRecord {
  taskId: string;
  name: string;
  /** Index of the step in its template: queries list steps in this order. */
  position: number;
  handler: string;
  dependsOn: string[];
  settings: StepSettings;
  config: JsonObject;
  /** The outside system the step talks to, from its template's `dependentSystem`. */
  dependentSystem?: string;
  state: StepState;
  /** Attempts started so far, across operator retries of the task. */
  attempts: number;
  /** Attempts that had been made when the current retry budget began (an operator's retry resets the budget). */
  budgetBase: number;
  results?: JsonValue;
  error?: StepError;
  /** When the latest attempt started. */
  startedAt?: number;
  /** When the step reached `completed`, `failed`, `cancelled` or `resolved_manually`. */
  completedAt?: number;
  /** Duration of the latest attempt in milliseconds. */
  durationMs?: number;
  /** When a step `waiting_for_retry` starts its next attempt, or a `waiting` one wakes up (its `waitingFor.until`). */
  nextRetryAt?: number;
  /** What a `waiting` step waits for: a signal, a time, or both (a signal with a timeout). */
  waitingFor?: WaitingFor;
}

/** What a `waiting` step waits for: the signal `signal` (by `until` at the latest, when it has a timeout), or `until`. */
export interface WaitingFor {
  signal?: string;
  /** Milliseconds since the epoch. */
  until?: number;
}

/** One entry of a task's history: a task or step moved from one state to another. */
export interface TransitionRecord {
  taskId: string;
  /** Absent for a transition of the task itself. */
  stepName?: string;
  from: TaskState | StepState;
  to: TaskState | StepState;
  attempt?: number;
  error?: StepError;
  /** Who caused it: `engine` for the engine's own decisions, else the operator named in the request. */
  by: string;
  reason?: string;
  at: number;
}

/** A typed JSON note on a task, written by a task handler's `updateAnnotations` hook. */
export interface AnnotationRecord {
  taskId: string;
  type: string;
  content: JsonValue;
  createdAt: number;
}
