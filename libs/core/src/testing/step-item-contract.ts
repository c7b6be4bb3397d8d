import { expect, it } from 'vitest';
import type { StepItemRecord, TaskStore } from '../store/task-store.js';
import { sampleSteps, sampleTask } from './sample-records.js';

const AT = 2_000_000_000_000;

/**
 * The map-item cases of the store contract: items written with a task's write, each replaced whole by a later write
 * of it (in one batch or another), read back in index order, paged and counted by state, and never written by a
 * fenced write. Run by `describeStoreContract`.
 */
export function stepItemContractCases(store: () => TaskStore): void {
  const createTask = async () => {
    const task = sampleTask({ createdAt: 1_000 });
    await store().createTask(task, sampleSteps(task.id));
    return { taskId: task.id, step: sampleSteps(task.id)[0]!.name };
  };
  const item = (taskId: string, stepName: string, index: number, extra: Partial<StepItemRecord> = {}) =>
    ({ taskId, stepName, index, state: 'in_progress', attempts: 1, budgetBase: 0, updatedAt: AT, ...extra }) as const;

  it('keeps map items by step and index, each replaced whole by a later write, read in index order', async () => {
    const { taskId, step } = await createTask();
    const other = await createTask();
    await store().commit([
      { taskId, items: [item(taskId, step, 2), item(taskId, step, 10), item(taskId, step, 0)] },
      { taskId: other.taskId, items: [item(other.taskId, other.step, 0, { state: 'failed' })] },
    ]);
    const done = item(taskId, step, 2, { state: 'completed', results: { sent: 'ana@example.com', n: 1.5 } });
    const retrying = item(taskId, step, 10, {
      state: 'waiting_for_retry',
      attempts: 2,
      error: { name: 'Error', message: 'mailer down', code: 'HANDLER_ERROR' },
    });
    const nullResult = item(taskId, step, 0, { state: 'completed', results: null, updatedAt: AT + 1 });
    await store().commit([{ taskId, items: [done, retrying] }]);
    await store().commit([{ taskId, items: [nullResult] }]);
    expect(await store().getStepItems(taskId, step)).toEqual([nullResult, done, retrying]);
    expect(await store().getStepItems(taskId, step, { offset: 1, limit: 1 })).toEqual([done]);
    expect(await store().getStepItems(taskId, step, { offset: 2 })).toEqual([retrying]);
    expect(await store().countStepItems(taskId, step)).toEqual({ completed: 2, waiting_for_retry: 1 });
    expect(await store().countStepItems(other.taskId, other.step)).toEqual({ failed: 1 });
    expect(await store().getStepItems(taskId, 'no_such_step')).toEqual([]);
    expect(await store().countStepItems('no-such-task', step)).toEqual({});
  });

  it('writes no item of a fenced write', async () => {
    const { taskId, step } = await createTask();
    await store().claimTasks({ workerId: 'w1', now: AT, until: AT + 30_000, limit: 10 });
    const { fenced } = await store().commit([{ taskId, leaseToken: 99, items: [item(taskId, step, 0)] }]);
    expect(fenced).toEqual([taskId]);
    expect(await store().getStepItems(taskId, step)).toEqual([]);
  });
}
