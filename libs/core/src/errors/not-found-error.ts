import { TaskerError } from './tasker-error.js';

/** Thrown when a task, step, template or schedule that a call names does not exist. */
export class NotFoundError extends TaskerError {
  constructor(
    code: 'TASK_NOT_FOUND' | 'STEP_NOT_FOUND' | 'TEMPLATE_NOT_FOUND' | 'SCHEDULE_NOT_FOUND',
    message: string,
  ) {
    super(code, message);
  }
}
