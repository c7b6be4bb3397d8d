import type { JsonProblem } from '../domain/check-json.js';
import { InvalidRequestError } from './invalid-request-error.js';

/**
 * Thrown when a request carries a value that is not JSON every store keeps (see `checkJson`); `field` is the path of
 * the first offence, e.g. `context.customer.name`. Nothing is stored for the request.
 */
export class InvalidJsonError extends InvalidRequestError {
  constructor(problem: JsonProblem) {
    super(problem.path, problem.message);
  }
}
