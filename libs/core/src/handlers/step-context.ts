import type { JsonObject, JsonValue } from '../domain/json.js';
import type { Logger } from '../ports/logger.js';

/** What a step handler is told about the task it works for. */
export interface StepTaskInfo {
  id: string;
  namespace: string;
  name: string;
  version: string;
  context: JsonObject;
  correlationId: string;
}

/** What a step handler is told about its own step. */
export interface StepInfo {
  name: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** The step's `config` (YAML `handler_config`). */
  config: JsonObject;
}

/** Everything a step handler gets for one attempt. */
export interface StepContext {
  task: StepTaskInfo;
  step: StepInfo;
  /**
   * The result of a completed (or manually resolved) dependency.
   * @throws InvalidRequestError when `stepName` is not one of this step's dependencies.
   */
  results<T = JsonValue>(stepName: string): T;
  /**
   * `taskId:stepName` (`taskId:stepName:index` for an item of a map step): the same for every attempt, so a downstream
   * service can drop a repeated call.
   */
  idempotencyKey: string;
  /** For a map step: the element of its `over` array this call handles; absent for other steps. */
  item?: JsonValue;
  /** For a map step: the position of {@link item} in its array, from 0; absent for other steps. */
  index?: number;
  /** Aborted when the attempt times out, the task is cancelled or the engine stops. */
  signal: AbortSignal;
  /** A logger bound to the task id, step, attempt and correlation id. */
  log: Logger;
  /**
   * Publishes the custom event `custom.<name>` to the engine's subscribers (and `/tasker/events`) at once.
   * @throws InvalidRequestError when the template does not declare `name` in `customEvents`, or `payload` breaks
   *   the engine's JSON rule (`checkJson`).
   */
  publish(name: string, payload?: JsonValue): void;
  /**
   * The payload of the signal `name` sent to this task (`engine.signal`), once it has come. Until then the attempt
   * ends without an outcome and the step waits, durably (state `waiting`, passivated with its task); when the signal
   * comes, or a crash is recovered from, the handler runs again from its start and this call answers with the
   * payload. So the work before the call runs again: keep it idempotent, as every step's work is. Let the
   * rejection it waits with propagate: a handler that catches it and returns ends the step without the signal.
   * @param options.timeoutMs past this, counted from the first wait, the call throws `SIGNAL_TIMEOUT` (the step's
   *   retry rules apply).
   * @throws PermanentError `SIGNAL_NOT_DECLARED` for a signal the template does not declare (its signal steps or
   *   `signals`): the step fails at once.
   */
  waitForSignal<T = JsonValue>(name: string, options?: { timeoutMs?: number }): Promise<T>;
}
