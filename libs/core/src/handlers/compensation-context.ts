import type { JsonObject, JsonValue } from '../domain/json.js';
import type { StepError } from '../domain/records.js';
import type { Logger } from '../ports/logger.js';
import type { StepTaskInfo } from './step-context.js';

/** What a compensation handler is told about the step it undoes. */
export interface CompensatedStepInfo {
  name: string;
  /** `completed`: the step finished; `uncertain`: an attempt started and its outcome is unknown. */
  outcome: 'completed' | 'uncertain';
  /** The step's results when it completed (or was resolved by hand); `undefined` otherwise. */
  results: JsonValue | undefined;
  /** Attempts the step itself made. */
  attempts: number;
  /** The step's `config` (YAML `handler_config`). */
  config: JsonObject;
}

/** Why a task compensates: it failed for good (naming the step that failed, when one did) or was cancelled. */
export interface CompensationReason {
  kind: 'failed' | 'cancelled';
  message: string;
  stepName?: string;
  error?: StepError;
}

/** Everything a compensation handler gets for one attempt at undoing a step. */
export interface CompensationContext {
  task: StepTaskInfo;
  step: CompensatedStepInfo;
  /** Why the task compensates. */
  reason: CompensationReason;
  /** `${taskId}:${stepName}:compensate`: the same for every compensation attempt. */
  idempotencyKey: string;
  /** 1 for the first compensation attempt. */
  attempt: number;
  /** Aborted when the attempt times out or the engine stops. */
  signal: AbortSignal;
  /** A logger bound to the task id, step, attempt and correlation id. */
  log: Logger;
}
