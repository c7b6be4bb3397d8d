import type { StepItemCounts } from '../store/step-items.js';
import type { JsonObject, JsonValue } from '../domain/json.js';
import type { AnnotationRecord, StepError, TaskRecord, TransitionRecord, WaitingFor } from '../domain/records.js';
import type { StepState, TaskState } from '../domain/states.js';
import type { BackoffPolicy, StepSettings } from '../domain/template.js';

/** A request to run one task of a registered template. */
export interface RunTaskRequest {
  namespace: string;
  name: string;
  /** Exact version (or what the engine's version resolver understands); the latest when absent. */
  version?: string;
  context: JsonObject;
  /** A repeated request with the same key (per namespace and name) returns the first task instead of a new run. */
  idempotencyKey?: string;
  /** Ties the task's logs and events to the request that caused it; generated when absent. */
  correlationId?: string;
  initiator?: string;
  sourceSystem?: string;
  reason?: string;
  tags?: string[];
  /**
   * The caller's trace as a W3C Trace Context carrier (`traceparent` and optionally `tracestate`, e.g. the headers
   * of the HTTP request that asked for the task); the task's spans join it.
   */
  traceContext?: Record<string, string>;
  /**
   * Steps to bypass (REST `bypass_steps`): each must be `skippable` in the template. They end `skipped` without
   * running and count as done for their dependants.
   */
  bypassSteps?: string[];
  /**
   * When the task may start: a `Date`, an ISO 8601 string or milliseconds since the epoch (REST `run_at`). The task
   * is stored at once and any worker starts it when due; a time in the past starts it now.
   */
  runAt?: Date | string | number;
  /**
   * How long the task may take, in milliseconds from when it is due (its `runAt`, else its creation); overrides the
   * template's `deadlineMs` (REST `deadline_ms`). Past it, the task fails with `DEADLINE_EXCEEDED`.
   */
  deadlineMs?: number;
  /**
   * How soon a worker claims the task among those waiting for one (REST `priority`): a whole number from 0 (the
   * default, or the template's `priority`) to 1000. A task of priority `p` is claimed as if it had been created
   * `p × priorityAgeMs` earlier, so a task waiting longer than the gap still goes first: none starves.
   */
  priority?: number;
}

/** What `runTask` answers, once the task is durably stored. */
export interface RunTaskResult {
  taskId: string;
  correlationId: string;
  state: TaskState;
  /** `false` when an earlier request with the same idempotency key created the task. */
  created: boolean;
}

/** Who performs an operator action and why, kept in the task's history. */
export interface ActionOptions {
  by?: string;
  reason?: string;
}

/** A step of a task as queries show it. */
export interface StepView {
  name: string;
  handler: string;
  dependsOn: string[];
  /** The outside system the step talks to, when its template names one. */
  dependentSystem?: string;
  state: StepState;
  attempts: number;
  /** Attempts the step may still make in its current budget. */
  attemptsLeft: number;
  settings: StepSettings;
  results?: JsonValue;
  errorMessage?: string;
  errorCode?: string;
  error?: StepError;
  startedAt?: number;
  completedAt?: number;
  durationMs?: number;
  nextRetryAt?: number;
  /** What a `waiting` step waits for. */
  waitingFor?: WaitingFor;
  /** A map step's items by state (`engine.getStepItems` lists them); absent for other steps. */
  items?: StepItemCounts;
}

/** A task as queries show it: its row, its steps and its annotations. */
export interface TaskView extends Omit<TaskRecord, 'maxParallelSteps' | 'taskHandler'> {
  /** From start to the terminal state, in milliseconds. */
  durationMs?: number;
  steps: StepView[];
  annotations: AnnotationRecord[];
}

/** A task's history, oldest first. */
export type TaskHistory = TransitionRecord[];

/** Settings applied to every step that does not set its own. */
export interface EngineDefaults {
  retryable: boolean;
  retryLimit: number;
  timeoutMs?: number;
  backoff: BackoffPolicy;
  /** Most steps of one task that run at once. */
  maxParallelSteps: number;
}

/** The engine's step defaults: retryable, three retries, 1 s doubling backoff capped at 5 min. */
export const DEFAULT_ENGINE_DEFAULTS: EngineDefaults = {
  retryable: true,
  retryLimit: 3,
  backoff: { baseMs: 1_000, factor: 2, maxMs: 300_000, jitter: 0.1 },
  maxParallelSteps: 8,
};

/** A task as lists show it: without steps and annotations. */
export type TaskSummary = Omit<TaskView, 'steps' | 'annotations'>;

/**
 * What `engine.signal` did with a signal, once it is durable: `delivered` woke a step of a task this engine runs
 * that waited for it; `stored` keeps it for the task, which takes it when a step reaches it or a worker loads it.
 */
export interface SignalResult {
  taskId: string;
  signal: string;
  outcome: 'delivered' | 'stored';
}
