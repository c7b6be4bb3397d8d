import type { StepPatch, TaskWrite } from '@tasker/core';

/**
 * The writes of a batch folded into one write per task, tasks in the order they first appear, as if the writes
 * were applied one after another: later patch fields win (an explicit `undefined` too), step patches are folded by
 * step name, history and annotations are appended in order, the last snapshot and lease token win. One row per task and step
 * lets each batched `UPDATE` touch every row once.
 */
export function foldWrites(writes: readonly TaskWrite[]): TaskWrite[] {
  const folded = new Map<string, { write: TaskWrite; steps: Map<string, StepPatch> }>();
  for (const write of writes) {
    let entry = folded.get(write.taskId);
    if (!entry) {
      entry = { write: { taskId: write.taskId, transitions: [], annotations: [] }, steps: new Map() };
      folded.set(write.taskId, entry);
    }
    const target = entry.write;
    if (write.task) target.task = { ...target.task, ...write.task };
    for (const patch of write.steps ?? []) entry.steps.set(patch.name, { ...entry.steps.get(patch.name), ...patch });
    if (write.transitions) target.transitions!.push(...write.transitions);
    if (write.annotations) target.annotations!.push(...write.annotations);
    if (write.snapshot) target.snapshot = write.snapshot;
    // One engine writes a task with one lease at a time: the latest token is the batch's.
    if (write.leaseToken !== undefined) target.leaseToken = write.leaseToken;
  }
  return [...folded.values()].map(({ write, steps }) =>
    steps.size > 0 ? { ...write, steps: [...steps.values()] } : write,
  );
}
