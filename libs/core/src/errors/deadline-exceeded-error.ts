import { TaskerError } from './tasker-error.js';

/**
 * Why a task failed, and each step it interrupted: the task's deadline passed. Permanent for the step (a step of a
 * task out of time does not retry); an operator's retry of the task gives it a fresh deadline.
 */
export class DeadlineExceededError extends TaskerError {
  constructor(deadlineMs: number, deadlineAt: number, stepName?: string) {
    const what = stepName === undefined ? 'Task' : `Step '${stepName}' stopped: its task`;
    super(
      'DEADLINE_EXCEEDED',
      `${what} passed its deadline of ${deadlineMs} ms at ${new Date(deadlineAt).toISOString()}`,
    );
  }
}
