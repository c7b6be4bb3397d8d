/**
 * Every stable error code the engine produces, with when it is raised. Codes never change meaning; adapters such
 * as the REST API map each one to a status in one place.
 */
export const ERROR_CODES = {
  HANDLER_ERROR: 'A step handler threw an error that carried no code of its own; retried by default.',
  PERMANENT_ERROR: 'A step handler threw PermanentError: the step fails without retrying.',
  RETRYABLE_ERROR: 'A step handler threw RetryableError: the step retries within its budget.',
  STEP_TIMEOUT: "An attempt ran longer than its step's timeoutMs and was aborted.",
  INVALID_RESULT:
    "A step handler's result is not JSON every store keeps (a BigInt, a NUL character, a Date, too large...): the step fails without retrying.",
  INVALID_DECISION:
    "A decision step's handler returned no { activate: [...] }, or named steps that are not its deferred dependants: the step fails without retrying.",
  INVALID_MAP:
    "The value a map step's `over` points to is not an array when the step starts: the step fails without retrying.",
  ATTEMPT_INTERRUPTED: 'The process stopped while an attempt ran; the attempt counts and the step retries.',
  INVALID_TEMPLATE: 'A task template breaks a rule: unknown handler or dependency, cycle, duplicate step, bad setting.',
  DUPLICATE_TEMPLATE: 'A template of the same namespace, name and version is registered already.',
  TEMPLATE_NOT_FOUND: 'No registered template matches the requested namespace, name and version.',
  INVALID_HANDLER: 'A handler registration names nothing usable as a step or task handler.',
  INVALID_REQUEST: 'A task request or operator action is malformed (a missing or mistyped field).',
  INVALID_CONTEXT: "A task request's context violates the template's context schema.",
  TASK_NOT_FOUND: 'No task has the given id.',
  STEP_NOT_FOUND: 'The task has no step of the given name.',
  SCHEDULE_NOT_FOUND: 'No schedule has the given id.',
  INVALID_TRANSITION: 'The action is not allowed in the current state of the task or step.',
  WAIT_TIMEOUT: 'waitForTask gave up before the task reached a terminal state.',
  SNAPSHOT_VERSION_MISMATCH: 'A stored snapshot was written by other machines than this engine runs.',
  TASK_LEASED: 'Another worker runs the task now (its lease holds): act on it there, or again once it lets go.',
  ENGINE_STOPPED: 'The engine is stopping or stopped and takes no new work.',
  WRITE_REJECTED:
    "The store refused a task's data for good (e.g. an invalid byte sequence): the task was failed alone, the other writes of its batch committed.",
  TASK_LOST: "A task's rows vanished from the store (e.g. a Redis that lost its data): the engine dropped it.",
  SIGNAL_TIMEOUT: 'A signal step (or a handler waiting with waitForSignal) did not get its signal in time.',
  DEADLINE_EXCEEDED:
    'A task ran past its deadline (deadlineMs): its running handlers were aborted, its waiting steps ended, and it failed (compensating first when it had work to undo).',
  SIGNAL_NOT_DECLARED: "A signal's name is not waited for by any signal step (or `signals`) of the task's template.",
  SIGNAL_ALREADY_SENT: 'The task already got a signal of this name: a task takes each signal once.',
  TASK_FINISHED: 'The task is finished (completed, failed, cancelled...) and takes no signal.',
  INVALID_SIGNAL: "A signal's payload violates the schema of the signal step that waits for it.",
  INVALID_STORE_URL: 'A store URL is malformed or has a scheme no store answers to.',
  STORE_ADAPTER_MISSING: "The adapter package or database driver a store URL's scheme needs is not installed.",
  STORE_SCHEMA_MISMATCH: "A store's schema was made by another version of its adapter than the one opening it.",
} as const;

/** A stable machine-readable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;
