import { storableString } from '../domain/check-json.js';
import type { StepError } from '../domain/records.js';
import type { TaskWrite } from './task-store.js';

/** How much of the driver's message the failure keeps. */
const MESSAGE_CHARS = 500;

/**
 * The least write that fails a task whose write the store refused for its data: the task row `failed` with a message
 * saying so, and the transition for its history and its `task.failed` event. No steps, results or snapshot: one of
 * those is what the store refused.
 */
export function refusedWriteFailure(refused: TaskWrite, driverMessage: string, now: number): TaskWrite {
  const message = storableString(
    `The store refused this task's data, so the task was failed: ${driverMessage.slice(0, MESSAGE_CHARS)}`,
  );
  const error: StepError = { message, code: 'WRITE_REJECTED', name: 'WriteRejectedError' };
  return {
    taskId: refused.taskId,
    task: { state: 'failed', errorMessage: message, completedAt: now, updatedAt: now },
    transitions: [{ taskId: refused.taskId, from: 'in_progress', to: 'failed', error, by: 'engine', at: now }],
    ...(refused.leaseToken === undefined ? {} : { leaseToken: refused.leaseToken }),
  };
}
