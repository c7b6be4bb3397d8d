import type { StepPatch, TaskWrite } from './task-store.js';

/**
 * Folds a later write of the same task into an earlier one, as if both were applied in order: later fields win
 * (an explicit `undefined` included), history and annotations are appended.
 */
export function mergeWrites(earlier: TaskWrite, later: TaskWrite): TaskWrite {
  const steps = new Map<string, StepPatch>((earlier.steps ?? []).map((patch) => [patch.name, patch]));
  for (const patch of later.steps ?? []) steps.set(patch.name, { ...steps.get(patch.name), ...patch });
  return {
    taskId: earlier.taskId,
    ...(earlier.task || later.task ? { task: { ...earlier.task, ...later.task } } : {}),
    ...(steps.size > 0 ? { steps: [...steps.values()] } : {}),
    transitions: [...(earlier.transitions ?? []), ...(later.transitions ?? [])],
    annotations: [...(earlier.annotations ?? []), ...(later.annotations ?? [])],
    ...((later.snapshot ?? earlier.snapshot) ? { snapshot: later.snapshot ?? earlier.snapshot } : {}),
  };
}
