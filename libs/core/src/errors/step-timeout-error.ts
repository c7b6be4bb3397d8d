import { TaskerError } from './tasker-error.js';

/** The reason a step's `AbortSignal` is aborted with when an attempt outlives the step's `timeoutMs`. */
export class StepTimeoutError extends TaskerError {
  constructor(stepName: string, timeoutMs: number) {
    super('STEP_TIMEOUT', `Step '${stepName}' timed out after ${timeoutMs} ms`);
  }
}
