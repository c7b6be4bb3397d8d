import { InvalidRequestError } from './invalid-request-error.js';

/**
 * Answers a task request whose data the store refused (e.g. a string longer than its column): the other tasks
 * created with it are stored, this one is not. `cause` is the driver's error.
 */
export class WriteRejectedError extends InvalidRequestError {
  constructor(cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('request', `the store refused the task's data: ${detail}`);
    this.cause = cause;
  }
}
