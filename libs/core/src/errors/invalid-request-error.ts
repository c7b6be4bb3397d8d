import { TaskerError } from './tasker-error.js';

/** Thrown when a call's arguments are malformed; `field` names the offending one. */
export class InvalidRequestError extends TaskerError {
  readonly field: string;

  constructor(field: string, message: string) {
    super('INVALID_REQUEST', `${field}: ${message}`);
    this.field = field;
  }
}
