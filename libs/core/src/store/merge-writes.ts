import type { StepPatch, TaskWrite } from './task-store.js';

/**
 * Folds a later write of the same task into an earlier one, as if both were applied in order: later fields win
 * (an explicit `undefined` included), history, annotations and events are appended.
 */
export function mergeWrites(earlier: TaskWrite, later: TaskWrite): TaskWrite {
  // The write queue merges on most steps: plain loops, and Object.assign where V8 is many times slower at spreads
  // (of objects with different keys).
  const steps = new Map<string, StepPatch>();
  for (const patch of earlier.steps ?? []) steps.set(patch.name, patch);
  for (const patch of later.steps ?? []) steps.set(patch.name, Object.assign({}, steps.get(patch.name), patch));
  const merged: TaskWrite = { taskId: earlier.taskId };
  if (earlier.task || later.task) merged.task = Object.assign({}, earlier.task, later.task);
  if (steps.size > 0) merged.steps = [...steps.values()];
  merged.transitions = appended(earlier.transitions, later.transitions);
  merged.annotations = appended(earlier.annotations, later.annotations);
  if (earlier.events || later.events) merged.events = appended(earlier.events, later.events);
  const snapshot = later.snapshot ?? earlier.snapshot;
  if (snapshot) merged.snapshot = snapshot;
  return merged;
}

const appended = <T>(first: readonly T[] = [], second: readonly T[] = []): T[] => first.concat(second);
