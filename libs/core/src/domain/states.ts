/** The lifecycle states of a task. */
export const TASK_STATES = ['pending', 'in_progress', 'completed', 'failed', 'cancelled', 'resolved_manually'] as const;
export type TaskState = (typeof TASK_STATES)[number];

/** The lifecycle states of a step. */
export const STEP_STATES = [
  'pending',
  'in_progress',
  'waiting_for_retry',
  'completed',
  'failed',
  'cancelled',
  'resolved_manually',
] as const;
export type StepState = (typeof STEP_STATES)[number];

/** Step states after which no handler of the step runs again unless an operator retries the task. */
export type SettledStepState = Extract<StepState, 'completed' | 'failed' | 'cancelled' | 'resolved_manually'>;

/** A step in one of these states lets its dependants start. */
export function isStepDone(state: string): boolean {
  return state === 'completed' || state === 'resolved_manually';
}

/** A task in one of these states runs no step; only `failed` can be left again (by an operator's retry). */
export function isTaskTerminal(state: TaskState): boolean {
  return state === 'completed' || state === 'failed' || state === 'cancelled' || state === 'resolved_manually';
}
