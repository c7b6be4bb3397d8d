import DataLoader from 'dataloader';
import type { LeaseRelease } from '../store/leases.js';
import type { TaskLeasing } from '../store/task-leasing.js';
import type { StoredTask, TaskQueries } from '../store/task-queries.js';

/**
 * `callMany` offered one item at a time: the items asked for in one turn of the event loop go to it together, and
 * each caller gets its own answer. Nothing is cached: every call reaches the store.
 */
function batchedPerTurn<Item, Answer>(
  callMany: (items: readonly Item[]) => Promise<Answer[]>,
): (item: Item) => Promise<Answer> {
  const loader = new DataLoader<Item, Answer>(callMany, { cache: false });
  return (item) => loader.load(item);
}

/** Reads one stored task (row, steps, snapshot); `undefined` when the store has no task of this id. */
export type TaskLoader = (taskId: string) => Promise<StoredTask | undefined>;

/**
 * Loads stored tasks many per store call: the tasks of one claim go to the store as one `loadTasks`, so a worker
 * waking a thousand due tasks reads them in a few queries instead of three round trips each.
 */
export function createTaskLoader(store: Pick<TaskQueries, 'loadTasks'>): TaskLoader {
  return batchedPerTurn(async (taskIds: readonly string[]) => {
    const found = new Map((await store.loadTasks(taskIds)).map((stored) => [stored.task.id, stored]));
    return taskIds.map((taskId) => found.get(taskId));
  });
}

/** Gives one lease back; resolves once the store has it. */
export type LeaseReleaser = (release: LeaseRelease) => Promise<void>;

/**
 * Gives leases back many per store call: the tasks that one commit passivated go to the store as one
 * `releaseLeases`, so a worker parking thousands of tasks on a long retry does not pay a round trip for each.
 */
export function createLeaseReleaser(store: Pick<TaskLeasing, 'releaseLeases'>): LeaseReleaser {
  return batchedPerTurn(async (releases: readonly LeaseRelease[]) => {
    await store.releaseLeases(releases);
    return releases.map(() => undefined);
  });
}
