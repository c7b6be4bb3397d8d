import type { CommitResult, TaskWrite } from '@tasker/core';
import type { StoreContext } from '../store-context.js';
import { commitOnPostgres } from './commit-on-postgres.js';
import { commitOnSqlite } from './commit-on-sqlite.js';

/**
 * Commits a group-commit batch all or nothing: one statement on Postgres ({@link commitOnPostgres}) or one
 * transaction on SQLite ({@link commitOnSqlite}). The batch holds one write per task, as `TaskStore.commit` asks
 * (the engine's write queue merges a task's writes), which lets each batched `UPDATE` touch every row once.
 *
 * `batchId` matters on Postgres, where a reply can be lost after the server committed: a retry with the same id
 * then changes nothing. On SQLite a commit cannot succeed unseen (the database runs in the process), so it is
 * not recorded.
 * Writes whose lease token is stale are dropped and answered as fenced; the rest of the batch is applied.
 * @throws NotFoundError `TASK_NOT_FOUND` when a write names an unknown task; TypeError when two writes name one
 * task. Nothing of the batch is stored then.
 */
export async function commitWrites(
  context: StoreContext,
  writes: readonly TaskWrite[],
  batchId?: string,
): Promise<CommitResult> {
  if (writes.length === 0) return { fenced: [] };
  checkOneWritePerTask(writes);
  return context.dialect === 'postgres' ? commitOnPostgres(context, writes, batchId) : commitOnSqlite(context, writes);
}

/**
 * Refuses a batch with two writes of one task: Postgres would apply only one of them (every CTE sees the rows as
 * they were before the statement), silently.
 */
function checkOneWritePerTask(writes: readonly TaskWrite[]): void {
  const seen = new Set<string>();
  for (const [index, { taskId }] of writes.entries()) {
    if (seen.has(taskId)) {
      throw new TypeError(
        `commit: writes[${index}] is a second write of task ${taskId} in one batch; merge a task's writes into one (mergeWrites)`,
      );
    }
    seen.add(taskId);
  }
}
