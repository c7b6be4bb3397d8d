import type { StepState, TaskState } from '../domain/states.js';
import { DeadlineExceededError } from '../errors/deadline-exceeded-error.js';
import type { TransitionRecord } from '../domain/records.js';
import type { StepPatch, TaskPatch, TaskWrite } from '../store/task-store.js';
import type { TaskMachineContext } from './task-context.js';

/** A step that changes state together with its task. */
export type StepChange = { name: string; from: StepState; to: StepState; patch: StepPatch };

/** What moves together with a task transition besides the task row's state. */
export type TaskWriteChanges = { task?: TaskPatch; steps?: StepChange[] };

/**
 * The durable write of a task moving from `context.state` to `to`, with the step changes that move with it
 * (failed steps reset by a retry, pending steps cancelled with the task).
 */
export function taskWrite(
  context: TaskMachineContext,
  to: TaskState,
  now: number,
  extra: TaskWriteChanges = {},
): TaskWrite {
  const by = context.by ?? 'engine';
  const reason = context.reason === undefined ? {} : { reason: context.reason };
  const transitions: TransitionRecord[] = [
    { taskId: context.taskId, from: context.state, to, by, ...reason, at: now },
    ...stepTransitions(context, extra.steps ?? [], now),
  ];
  return {
    taskId: context.taskId,
    task: { state: to, updatedAt: now, ...extra.task },
    ...(extra.steps?.length ? { steps: extra.steps.map((change) => change.patch) } : {}),
    transitions,
  };
}

/** Why a task failed: its deadline passed, or else a summary of its failed steps. */
export function failureMessage(context: TaskMachineContext): string {
  return context.expired && context.deadlineAt !== undefined
    ? new DeadlineExceededError(context.deadlineMs ?? 0, context.deadlineAt).message
    : failureSummary(context);
}

/** A summary of why a task failed, from its failed steps. */
export function failureSummary(context: TaskMachineContext): string {
  return Object.entries(context.steps)
    .filter(([, step]) => step.state === 'failed')
    .map(([name, step]) => `Step '${name}' failed: ${step.error?.message ?? 'unknown error'}`)
    .join('; ');
}

/** The history entries of `changes`, by the operator of the transition being recorded, if any. */
function stepTransitions(context: TaskMachineContext, changes: StepChange[], now: number): TransitionRecord[] {
  const by = context.by ?? 'engine';
  const reason = context.reason === undefined ? {} : { reason: context.reason };
  return changes.map((change) => ({
    taskId: context.taskId,
    stepName: change.name,
    from: change.from,
    to: change.to,
    attempt: context.steps[change.name]?.attempts ?? 0,
    by,
    ...reason,
    at: now,
  }));
}

/** The durable write of steps that move while their task stays where it is (branches a decision did not choose). */
export function stepsWrite(context: TaskMachineContext, changes: StepChange[], now: number): TaskWrite {
  return {
    taskId: context.taskId,
    steps: changes.map((change) => change.patch),
    transitions: stepTransitions(context, changes, now),
  };
}
