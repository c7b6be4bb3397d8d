import type { AnyActorRef } from 'xstate';
import type { JsonValue } from '../domain/json.js';
import type { CompensationReason } from '../handlers/compensation-context.js';
import type { TaskWrite } from '../store/task-store.js';
import type { TaskDefinition } from './task-definition.js';

/** Which attempt of which step to run. */
export interface AttemptInput {
  taskId: string;
  stepName: string;
  attempt: number;
  /** When the step began the wait it was woken from, if any: the handler's waits count from then. */
  waitSince?: number;
}

/** Which attempt of which step's compensation to run, and what its handler is told. */
export interface CompensationAttemptInput extends AttemptInput {
  /** Attempts the step itself made. */
  stepAttempts: number;
  outcome: 'completed' | 'uncertain';
  reason: CompensationReason;
}

/**
 * What the machines need from the engine that runs them. Keeping it in one seam keeps the machines free of I/O:
 * they describe the lifecycle, the engine does the work.
 */
export interface MachineEnvironment {
  /** The engine clock's time. */
  now(): number;
  /** A number in [0, 1) for backoff jitter. */
  random(): number;
  /**
   * Makes `write` durable (group-committed with other tasks' writes, the task's snapshot attached) and emits its
   * events once it is. The machines do not wait: writes of a task commit in order, and {@link startAttempt} awaits
   * the durability of the write recorded just before it, the start, before running the handler.
   */
  record(write: TaskWrite): void;
  /** The fixed steps and settings of a task the engine runs. */
  definition(taskId: string): TaskDefinition;
  /**
   * Starts one attempt of a step's handler, once its start is durable, and tells `step` how it ended:
   * `ATTEMPT_SUCCEEDED` with the JSON result, or `ATTEMPT_FAILED` with what was thrown.
   */
  startAttempt(input: AttemptInput, step: AnyActorRef): void;
  /** Starts one attempt of a step's compensation handler, once the write before it is durable, like {@link startAttempt}. */
  startCompensation(input: CompensationAttemptInput, compensation: AnyActorRef): void;
  /** Whether the step has a concurrency key or a rate limit: its attempts start only once admitted. */
  isThrottled(taskId: string, stepName: string): boolean;
  /**
   * Asks the store for the step's slot and token (see `ConcurrencyLimits`, `RateLimits`) and tells `step`
   * `ADMITTED`, or `THROTTLED` with when to ask again at the latest; a release announced meanwhile sends it
   * `ADMISSION_OPEN`.
   */
  admit(taskId: string, stepName: string, step: AnyActorRef): void;
  /** Gives back the step's concurrency slot, if it holds one. */
  releaseSlot(taskId: string, stepName: string): void;
  /** Whether the task received the signal `name` (a waiting step restored after it came wakes as by the signal). */
  hasSignal(taskId: string, name: string): boolean;
  /** The result of step `stepName` of a task the engine runs, as recorded so far (a decision's, say). */
  resultOf(taskId: string, stepName: string): JsonValue | undefined;
  /**
   * Stops the attempt a step (or its compensation) runs: its handler's signal is aborted (with `reason`, when given,
   * as the signal's reason) and its outcome reaches no one.
   */
  stopAttempt(taskId: string, stepName: string, reason?: Error): void;
}
