import { expect, it } from 'vitest';
import type { TaskStore } from '../store/task-store.js';
import { sampleSteps, sampleTask } from './sample-records.js';

/** The stores' clock in these cases: after every sample task's creation. */
const NOW = 2_000_000_000_000;
/** What a point of priority is worth in these cases (the engine's `priorityAgeMs`). */
const AGE_MS = 10_000;

/**
 * The priority cases of the store contract: a task created with a `claimableAt` (the engine gives a due task of
 * priority `p` its creation less `p × priorityAgeMs`) is claimed in that order among the due tasks, and keeps its
 * `priority`. Run by `describeStoreContract`.
 */
export function priorityContractCases(store: () => TaskStore): void {
  const create = async (createdAt: number, priority = 0) => {
    const task = sampleTask({ createdAt, ...(priority > 0 ? { priority } : {}) });
    const claimableAt = priority > 0 ? createdAt - priority * AGE_MS : undefined;
    await store().createTasks([
      { task, steps: sampleSteps(task.id), ...(claimableAt === undefined ? {} : { claimableAt }) },
    ]);
    return task.id;
  };
  const claimed = async (limit: number) =>
    (await store().claimTasks({ workerId: 'w1', now: NOW, until: NOW + 30_000, limit })).leases.map(
      (lease) => lease.taskId,
    );

  it('claims a higher priority first, unless a lower one has waited longer than the gap (no starvation)', async () => {
    const t0 = NOW - 60_000;
    const low = await create(t0);
    const urgent = await create(t0 + 15_000, 2); // claimed as if due at t0 - 5 s: before `low`
    const high = await create(t0 + 8_000, 1); // as if due at t0 - 2 s: after `urgent`, before `low`
    const lowLater = await create(t0 + 1_000);
    // `aged` has waited 45 s longer than `urgent`, more than its 20 s head start: it goes first.
    const aged = await create(t0 - 30_000);
    expect(await claimed(3)).toEqual([aged, urgent, high]);
    expect(await claimed(5)).toEqual([low, lowLater]);
    expect((await store().getTask(urgent))?.priority).toBe(2);
    expect((await store().getTask(low))?.priority).toBeUndefined();
  });
}
