import type { ErrorCode } from './error-codes.js';

/** The base of every error the engine throws: a human message and a stable {@link ErrorCode}. */
export class TaskerError extends Error {
  readonly code: ErrorCode | (string & {});

  constructor(code: ErrorCode | (string & {}), message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
