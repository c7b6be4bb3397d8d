import type { AnnotationRecord, StepRecord, TaskRecord } from '../domain/records.js';
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

/** A task row with its steps (in template order, map steps with `itemCounts`) and annotations, as queries show it. */
export function toTaskView(
  task: TaskRecord,
  steps: StepRecord[],
  annotations: AnnotationRecord[],
  itemCounts: ReadonlyMap<string, StepItemCounts> = new Map(),
): TaskView {
  const { maxParallelSteps: _max, taskHandler: _handler, ...view } = task;
  return {
    ...view,
    ...(task.startedAt !== undefined && task.completedAt !== undefined
      ? { durationMs: task.completedAt - task.startedAt }
      : {}),
    steps: steps.map((step) => toStepView(step, itemCounts.get(step.name))),
    annotations,
  };
}
