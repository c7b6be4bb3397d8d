import { API_ERROR_STATUS, type ApiErrorCode, type FieldProblem } from './api-error-codes.js';

/** An error the API answers as it is: its code decides the status (see `API_ERROR_STATUS`). */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly fields: FieldProblem[] | undefined;

  constructor(code: ApiErrorCode, message: string, fields?: FieldProblem[]) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.fields = fields;
  }

  get status(): number {
    return API_ERROR_STATUS[this.code];
  }
}
