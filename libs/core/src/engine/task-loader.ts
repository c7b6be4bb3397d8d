import DataLoader from 'dataloader';
import type { StoredTask, TaskStore } from '../store/task-store.js';

/** Reads one stored task (row, steps, snapshot); `undefined` when the store has no task of this id. */
export type TaskLoader = (taskId: string) => Promise<StoredTask | undefined>;

/**
 * Loads stored tasks many per store call: the loads asked for in one turn of the event loop (the tasks of one
 * claim, typically) go to the store as one `loadTasks`, so a worker waking a thousand due tasks reads them in a
 * few queries instead of three round trips each. Nothing is cached: every load reads the store afresh.
 */
export function createTaskLoader(store: TaskStore): TaskLoader {
  const loader = new DataLoader<string, StoredTask | undefined>(
    async (taskIds) => {
      const found = new Map((await store.loadTasks(taskIds)).map((stored) => [stored.task.id, stored]));
      return taskIds.map((taskId) => found.get(taskId));
    },
    { cache: false },
  );
  return (taskId) => loader.load(taskId);
}
