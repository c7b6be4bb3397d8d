import type { StepItemRecord, StepPatch, TaskWrite } from './task-store.js';

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
  if (earlier.items || later.items) merged.items = latestItems(earlier.items, later.items);
  if (earlier.events || later.events) merged.events = appended(earlier.events, later.events);
  const snapshot = later.snapshot ?? earlier.snapshot;
  if (snapshot) merged.snapshot = snapshot;
  return merged;
}

const appended = <T>(first: readonly T[] = [], second: readonly T[] = []): T[] => first.concat(second);

/** Items of both writes, one per step and index (a later write of an item replaces it): a store upserts each once. */
function latestItems(first: readonly StepItemRecord[] = [], second: readonly StepItemRecord[] = []): StepItemRecord[] {
  const items = new Map<string, StepItemRecord>();
  for (const item of first) items.set(`${item.index}:${item.stepName}`, item);
  for (const item of second) items.set(`${item.index}:${item.stepName}`, item);
  return [...items.values()];
}
