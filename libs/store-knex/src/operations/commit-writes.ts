import type { CommitResult, TaskWrite } from '@tasker/core';
import type { StoreContext } from '../store-context.js';
import { commitOnPostgres } from './commit-on-postgres.js';
import { commitOnSqlite } from './commit-on-sqlite.js';
import { foldWrites } from './fold-writes.js';

/**
 * Commits a group-commit batch all or nothing, writes applied in order: folded to one write per task, then one
 * statement on Postgres ({@link commitOnPostgres}) or one transaction on SQLite ({@link commitOnSqlite}).
 *
 * `batchId` matters on Postgres, where a reply can be lost after the server committed: a retry with the same id
 * then changes nothing. On SQLite a commit cannot succeed unseen (the database runs in the process), so it is
 * not recorded.
 * Writes whose lease token is stale are dropped and answered as fenced; the rest of the batch is applied.
 * @throws NotFoundError `TASK_NOT_FOUND` when a write names an unknown task; nothing of the batch is stored.
 */
export async function commitWrites(
  context: StoreContext,
  writes: readonly TaskWrite[],
  batchId?: string,
): Promise<CommitResult> {
  if (writes.length === 0) return { fenced: [] };
  const batch = foldWrites(writes);
  return context.dialect === 'postgres' ? commitOnPostgres(context, batch, batchId) : commitOnSqlite(context, batch);
}
