import {
  FINISHED_TASK_STATES,
  type ArchivedTask,
  type ExpiredTask,
  type ExpiredTaskQuery,
  type FinishedTaskState,
  type PurgeOptions,
} from '@tasker/core';
import type { Knex } from 'knex';
import { quote } from '../rows/column.js';
import { amongIds, idsParameter } from '../sql/among-ids.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';
import { getAnnotations } from './get-annotations.js';
import { getTransitions } from './get-transitions.js';
import { loadTasks } from './load-tasks.js';
import { purgeOldRollups } from '../rollups/rollup-retention.js';

const FINISHED_LIST = FINISHED_TASK_STATES.map((state) => `'${state}'`).join(', ');

/** Finished tasks of one state older than `before`, oldest first, through the `(state, updated_at, id)` index. */
export async function listExpiredTasks(
  { db, tables }: StoreContext,
  { state, before, after, limit }: ExpiredTaskQuery,
): Promise<ExpiredTask[]> {
  const bindings: unknown[] = [state, before];
  let onward = '';
  if (after) {
    // Spelled out rather than as a row comparison, which SQLite plans without the index.
    onward = ' AND ("updated_at" > ? OR ("updated_at" = ? AND "id" > ?))';
    bindings.push(after.finishedAt, after.finishedAt, after.id);
  }
  bindings.push(limit);
  const rows = await runSql(
    db,
    `SELECT "id", "namespace", "name", "version", "updated_at" FROM ${quote(tables.tasks)} ` +
      `WHERE "state" = ? AND "updated_at" < ?${onward} ORDER BY "updated_at", "id" LIMIT ?`,
    bindings,
  );
  return rows.map((row) => ({
    id: String(row.id),
    namespace: String(row.namespace),
    name: String(row.name),
    version: String(row.version),
    state: state satisfies FinishedTaskState,
    finishedAt: Number(row.updated_at),
  }));
}

/**
 * Deletes the finished tasks among `taskIds` and every row they own, in one short transaction; with
 * `options.archive`, copies each into the archive table first, in the same transaction. The analytics rollups
 * keep counting the purged tasks; those of minutes past every analytics window are deleted. The tasks are locked first
 * (Postgres `FOR UPDATE`; SQLite has one writer), so a task an operator reopens meanwhile is either purged before or
 * left whole. The idempotency key goes with the task row.
 */
export async function purgeTasks(
  context: StoreContext,
  taskIds: readonly string[],
  options: PurgeOptions | undefined,
): Promise<string[]> {
  if (taskIds.length === 0) return [];
  const { db, dialect, tables, exclusive } = context;
  return exclusive(() =>
    db.transaction(async (trx) => {
      const lock = dialect === 'postgres' ? ' ORDER BY "id" FOR UPDATE' : '';
      const found = await runSql(
        trx,
        `SELECT "id" FROM ${quote(tables.tasks)} WHERE ${amongIds(dialect, 'id')} AND "state" IN (${FINISHED_LIST})${lock}`,
        [idsParameter(dialect, taskIds)],
      );
      const doomed = found.map((row) => String(row.id));
      if (doomed.length === 0) return [];
      if (options?.archive) await archive({ ...context, db: trx }, doomed);
      const ids = idsParameter(dialect, doomed);
      const owned = [
        tables.steps,
        tables.transitions,
        tables.annotations,
        tables.snapshots,
        tables.signals,
        tables.events,
      ];
      for (const table of owned)
        await runSql(trx, `DELETE FROM ${quote(table)} WHERE ${amongIds(dialect, 'task_id')}`, [ids]);
      await runSql(trx, `DELETE FROM ${quote(tables.tasks)} WHERE ${amongIds(dialect, 'id')}`, [ids]);
      // The tasks' rollups stay (figures describe what ran); only minutes past every analytics window go.
      await purgeOldRollups(trx, tables);
      return doomed;
    }),
  );
}

/** Copies the tasks into the archive table; a task archived before (purged, restored, purged again) is replaced. */
async function archive(context: StoreContext & { db: Knex.Transaction }, taskIds: string[]): Promise<void> {
  const { db, tables } = context;
  const loaded = await loadTasks(context, taskIds);
  const rows = [];
  for (const { task, steps } of loaded) {
    const archived: ArchivedTask = {
      task,
      steps,
      transitions: await getTransitions(context, task.id),
      annotations: await getAnnotations(context, task.id),
    };
    rows.push({
      id: task.id,
      namespace: task.namespace,
      name: task.name,
      version: task.version,
      state: task.state,
      finished_at: task.updatedAt,
      body: JSON.stringify(archived),
    });
  }
  await db(tables.archive).insert(rows).onConflict('id').merge();
}
