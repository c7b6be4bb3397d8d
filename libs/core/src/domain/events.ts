import type { JsonValue } from './json.js';
import type { StepError } from './records.js';
import type { StepState, TaskState } from './states.js';

/**
 * Every event the engine emits: one per durable transition, after it is durable; and `task.lost` when a task's rows
 * vanished from the store (from and to `in_progress`, `error` code `TASK_LOST`).
 */
export const EVENT_TYPES = [
  'task.started',
  'task.resumed',
  'task.completed',
  'task.failed',
  'task.cancelled',
  'task.resolved_manually',
  'task.lost',
  'step.started',
  'step.retry_scheduled',
  'step.completed',
  'step.failed',
  'step.cancelled',
  'step.resolved_manually',
  'step.reset',
] as const;

/** The name of an engine event, e.g. `step.failed`. */
export type EngineEventType = (typeof EVENT_TYPES)[number];

/** What every engine event carries. */
export interface EngineEvent {
  type: EngineEventType;
  taskId: string;
  namespace: string;
  /** The task template's name, e.g. `process_order`. */
  name: string;
  version: string;
  correlationId: string;
  /** Present on `step.*` events. */
  stepName?: string;
  from: TaskState | StepState;
  to: TaskState | StepState;
  /** The step's attempt number on `step.*` events. */
  attempt?: number;
  /** The attempt's duration on `step.completed|failed|retry_scheduled`; the task's run time on `task.*` outcomes. */
  durationMs?: number;
  error?: StepError;
  /** The step's result on `step.completed` and `step.resolved_manually`. */
  results?: JsonValue;
  /** When a step `waiting_for_retry` starts again, on `step.retry_scheduled`. */
  nextRetryAt?: number;
  /** The task's W3C trace context carrier, when it has one (see `TaskRecord.traceContext`). */
  traceContext?: Record<string, string>;
  /** Who caused the transition: `engine`, or the operator an action named. */
  by: string;
  reason?: string;
  at: number;
}

/** An event name, or a pattern: `'*'` for all, `'step.*'` for every step event. */
export type EventPattern = EngineEventType | 'task.*' | 'step.*' | '*';
