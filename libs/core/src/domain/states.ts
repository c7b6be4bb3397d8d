/** The lifecycle states of a task. */
export const TASK_STATES = [
  'pending',
  'in_progress',
  'compensating',
  'completed',
  'failed',
  'cancelled',
  'resolved_manually',
  'compensation_failed',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** The states of a task that still has work to run: a worker claims and runs tasks in these states. */
export const UNFINISHED_TASK_STATES = ['pending', 'in_progress', 'compensating'] as const;

/** Whether a task in `state` still has work to run (see {@link UNFINISHED_TASK_STATES}). */
export function isTaskUnfinished(state: TaskState): boolean {
  return state === 'pending' || state === 'in_progress' || state === 'compensating';
}

/** The lifecycle states of a step. */
export const STEP_STATES = [
  'pending',
  'in_progress',
  'waiting_for_retry',
  'waiting',
  'throttled',
  'completed',
  'failed',
  'cancelled',
  'resolved_manually',
  'skipped',
  'compensating',
  'compensated',
  'compensation_failed',
] as const;
export type StepState = (typeof STEP_STATES)[number];

/** Step states after which no handler of the step runs again unless an operator retries the task. */
export type SettledStepState = Extract<
  StepState,
  'completed' | 'failed' | 'cancelled' | 'resolved_manually' | 'skipped'
>;

/** A step in one of these states lets its dependants start; a `skipped` step was bypassed by the task's request. */
export function isStepDone(state: string): boolean {
  return state === 'completed' || state === 'resolved_manually' || state === 'skipped';
}

/**
 * A task in one of these states runs no step; `failed` (and `cancelled` after compensation, when its template allows
 * it) can be left again by an operator's retry, `compensation_failed` by a retry or a manual resolution.
 */
export function isTaskTerminal(state: TaskState): boolean {
  return (
    state === 'completed' ||
    state === 'failed' ||
    state === 'cancelled' ||
    state === 'resolved_manually' ||
    state === 'compensation_failed'
  );
}
