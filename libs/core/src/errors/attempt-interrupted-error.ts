import { TaskerError } from './tasker-error.js';

/**
 * Recorded for an attempt that was running when its process stopped: nobody knows whether the handler finished,
 * so the attempt counts against the budget and the step is retried (at least once semantics), and a handler that
 * crashes its process cannot loop forever.
 */
export class AttemptInterruptedError extends TaskerError {
  constructor(stepName: string, attempt: number) {
    super('ATTEMPT_INTERRUPTED', `Attempt ${attempt} of step '${stepName}' was interrupted by a process stop`);
  }
}
