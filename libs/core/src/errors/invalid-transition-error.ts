import { TaskerError } from './tasker-error.js';

/** Thrown when an operator action is not allowed in the current state (retrying a completed task, say). */
export class InvalidTransitionError extends TaskerError {
  constructor(message: string) {
    super('INVALID_TRANSITION', message);
  }
}
