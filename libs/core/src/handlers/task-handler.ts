import type { JsonObject, JsonValue } from '../domain/json.js';
import type { StepError } from '../domain/records.js';
import type { StepState, TaskState } from '../domain/states.js';
import type { BackoffPolicy } from '../domain/template.js';
import type { StepTaskInfo } from './step-context.js';

/** What task hooks are told about the task: what its step handlers see, and its state. */
export interface TaskHookInfo extends StepTaskInfo {
  state: TaskState;
}

/** A step as `establishStepDependenciesAndDefaults` sees it: its retry, timeout and backoff may be changed. */
export interface AdjustableStep {
  readonly name: string;
  readonly handler: string;
  readonly dependsOn: readonly string[];
  retryable: boolean;
  retryLimit: number;
  timeoutMs?: number;
  backoff: BackoffPolicy;
  config: JsonObject;
}

/** A step as `updateAnnotations` sees it once the task has settled. */
export interface StepSummary {
  name: string;
  state: StepState;
  attempts: number;
  results?: JsonValue;
  error?: StepError;
  /** Duration of the latest attempt in milliseconds. */
  durationMs?: number;
}

/** The task handed to `updateAnnotations`, with the means to record an annotation on it. */
export interface AnnotatableTask extends TaskHookInfo {
  /**
   * Records a typed JSON note on the task, stored with the task's final transition.
   * @throws InvalidRequestError when `content` breaks the engine's JSON rule (`checkJson`), naming the path.
   */
  annotate(type: string, content: JsonValue): void;
}

/**
 * Optional hooks around every task of a template (YAML `task_handler_class`).
 *
 * @example
 * class OrderProcessing extends TaskHandler {
 *   override establishStepDependenciesAndDefaults(task: TaskHookInfo, steps: AdjustableStep[]) {
 *     if (task.context.priority !== 'express') return;
 *     const payment = steps.find((step) => step.name === 'process_payment');
 *     if (payment) Object.assign(payment, { timeoutMs: 15_000, retryLimit: 1 });
 *   }
 * }
 */
export abstract class TaskHandler {
  /** Runs once per task before it is stored: adjust steps' settings for this task (express orders, say). */
  establishStepDependenciesAndDefaults(_task: TaskHookInfo, _steps: AdjustableStep[]): void | Promise<void> {}

  /** Runs each time the task completes or fails: record annotations for analytics with `task.annotate`. */
  updateAnnotations(_task: AnnotatableTask, _steps: StepSummary[]): void | Promise<void> {}
}
