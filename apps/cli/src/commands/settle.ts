import { setTimeout as sleep } from 'node:timers/promises';
import { isTaskTerminal } from '@tasker/core';
import { CliError } from '../cli-error.js';
import type { TaskerClient, TaskJson } from '../connection/tasker-client.js';

/** How often a watched task is read. Whichever worker runs it, the store (or the API) tells its state. */
const POLL_INTERVAL_MS = 250;

/**
 * Reads the task until it is finished, calling `onRead` with each reading (and the one before), and resolves with
 * the last.
 */
export async function untilSettled(
  client: TaskerClient,
  taskId: string,
  onRead: (task: TaskJson, previous: TaskJson | undefined) => void = () => undefined,
): Promise<TaskJson> {
  let previous: TaskJson | undefined;
  for (;;) {
    const task = await client.getTask(taskId);
    onRead(task, previous);
    if (isTaskTerminal(task.current_state)) return task;
    previous = task;
    await sleep(POLL_INTERVAL_MS);
  }
}

/** What changed between two readings of a task, one line each: its state, and each step's state or attempts. */
export function changes(task: TaskJson, previous: TaskJson | undefined): string[] {
  const lines: string[] = [];
  if (task.current_state !== previous?.current_state) lines.push(`task ${task.current_state}`);
  for (const step of task.workflow_steps) {
    const before = previous?.workflow_steps.find((candidate) => candidate.name === step.name);
    if (before && before.current_state === step.current_state && before.attempts === step.attempts) continue;
    const error = step.error_message === null ? '' : `: ${step.error_message}`;
    lines.push(`step ${step.name} ${step.current_state} (attempt ${step.attempts})${error}`);
  }
  return lines;
}

/** Fails the command when a settled task did not end well, so that scripts can tell by the exit code. */
export function requireSuccess(task: TaskJson): void {
  if (task.current_state !== 'completed' && task.current_state !== 'resolved_manually') {
    throw new CliError(
      `task ${task.task_id} ended ${task.current_state}${task.error_message ? `: ${task.error_message}` : ''}`,
    );
  }
}
