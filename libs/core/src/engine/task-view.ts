import type { AnnotationRecord, StepRecord, TaskRecord, TransitionRecord } from '../domain/records.js';
import type { StepItemCounts } from '../store/step-items.js';
import type { StepView, TaskView } from './engine-types.js';

/** Attempts a step may still make in its current budget. */
export function attemptsLeft(step: StepRecord): number {
  const allowed = step.settings.retryable ? step.settings.retryLimit + 1 : 1;
  return Math.max(0, allowed - (step.attempts - step.budgetBase));
}

/** A step row as queries show it, with its items' counts when it is a map step. */
export function toStepView(step: StepRecord, items?: StepItemCounts): StepView {
  const { taskId: _taskId, position: _position, budgetBase: _budgetBase, config: _config, ...view } = step;
  return {
    ...view,
    attemptsLeft: attemptsLeft(step),
    ...(step.error ? { errorMessage: step.error.message, errorCode: step.error.code } : {}),
    ...(items ? { items } : {}),
  };
}

/**
 * Whether a task waits for a slot of its template's concurrency key: not started, and its latest move of its own
 * (in `history`, oldest first) was `pending → throttled`.
 */
export function isWaitingForSlot(task: TaskRecord, history: readonly TransitionRecord[]): boolean {
  if (task.state !== 'pending') return false;
  const own = history.findLast((transition) => transition.stepName === undefined);
  return own?.to === 'throttled';
}

/** A task row with its steps (in template order, map steps with `itemCounts`) and annotations, as queries show it. */
export function toTaskView(
  task: TaskRecord,
  steps: StepRecord[],
  annotations: AnnotationRecord[],
  itemCounts: ReadonlyMap<string, StepItemCounts> = new Map(),
  throttled = false,
): TaskView {
  const { maxParallelSteps: _max, taskHandler: _handler, ...view } = task;
  return {
    ...view,
    ...(task.startedAt !== undefined && task.completedAt !== undefined
      ? { durationMs: task.completedAt - task.startedAt }
      : {}),
    ...(throttled ? { throttled: true as const } : {}),
    steps: steps.map((step) => toStepView(step, itemCounts.get(step.name))),
    annotations,
  };
}
