/**
 * Every error code the REST API answers with, and its one HTTP status. Engine codes (`ERROR_CODES` of
 * `@tasker/core`) keep their names; the API adds its own for what only HTTP has (auth, body size, rate limits).
 * A code never changes meaning or status.
 */
export const API_ERROR_STATUS = {
  INVALID_REQUEST: 400,
  INVALID_CONTEXT: 400,
  INVALID_SIGNAL: 400,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRY_REQUIRED: 401,
  TOKEN_LIFETIME_TOO_LONG: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  STEP_NOT_FOUND: 404,
  SCHEDULE_NOT_FOUND: 404,
  TEMPLATE_NOT_FOUND: 404,
  SIGNAL_NOT_DECLARED: 404,
  INVALID_TRANSITION: 409,
  TASK_FINISHED: 409,
  SIGNAL_ALREADY_SENT: 409,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  STORE_UNAVAILABLE: 503,
  ENGINE_STOPPED: 503,
} as const;

/** A code the REST API answers with. */
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** One offending input field: where it is (`body.context.cart_items`, `query.limit`) and what is wrong. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    /** Each invalid field, on `INVALID_REQUEST` and `INVALID_CONTEXT`. */
    fields?: FieldProblem[];
    /** On a 5xx, whose message says nothing of the cause: the request's id, which the log line of the cause has. */
    request_id?: string;
  };
}
