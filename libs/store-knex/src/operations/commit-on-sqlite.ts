import { NotFoundError, type TaskWrite } from '@tasker/core';
import { quote } from '../rows/column.js';
import { ANNOTATION_COLUMNS, TRANSITION_COLUMNS } from '../rows/history-columns.js';
import { STEP_KEY, STEP_PATCH_COLUMNS } from '../rows/step-columns.js';
import { TASK_KEY, TASK_PATCH_COLUMNS } from '../rows/task-columns.js';
import { insertRows } from '../sql/insert-rows.js';
import { changesOf, type RowUpdate } from '../sql/row-update.js';
import { runSql } from '../sql/run-sql.js';
import { updateRows } from '../sql/update-rows.js';
import { inChunks } from '../sql/values-list.js';
import type { StoreContext } from '../store-context.js';
import { upsertSnapshots } from './upsert-snapshots.js';

/**
 * Commits a folded batch on SQLite in one transaction: one `UPDATE` of task rows and one of step rows per set of
 * patched fields, one `INSERT` of all transitions, one of all annotations, one upsert of all snapshots (each cut in
 * chunks only past thousands of rows). SQLite runs in the process, so statements cost no round trip; one
 * transaction costs one WAL append.
 *
 * A write for an unknown task fails the batch with `TASK_NOT_FOUND`: the task `UPDATE` and the snapshot upsert
 * answer the ids they found, and only writes that carry neither (never the engine's) cost one more `SELECT`.
 */
export async function commitOnSqlite(
  { db, dialect, tables, exclusive }: StoreContext,
  batch: readonly TaskWrite[],
): Promise<void> {
  await exclusive(() =>
    db.transaction(async (trx) => {
      const found = new Set<string>();
      const taskUpdates: RowUpdate[] = batch.flatMap((write) =>
        write.task ? [{ key: [write.taskId], changes: changesOf(write.task, TASK_PATCH_COLUMNS) }] : [],
      );
      for (const row of await updateRows(trx, dialect, tables.tasks, TASK_KEY, taskUpdates)) found.add(String(row.id));

      const stepUpdates: RowUpdate[] = batch.flatMap((write) =>
        (write.steps ?? []).map((patch) => ({
          key: [write.taskId, patch.name],
          changes: changesOf(patch, STEP_PATCH_COLUMNS),
        })),
      );
      await updateRows(trx, dialect, tables.steps, STEP_KEY, stepUpdates);

      const transitions = batch.flatMap((write) => write.transitions ?? []);
      if (transitions.length > 0) await insertRows(trx, tables.transitions, TRANSITION_COLUMNS, transitions);
      const annotations = batch.flatMap((write) => write.annotations ?? []);
      if (annotations.length > 0) await insertRows(trx, tables.annotations, ANNOTATION_COLUMNS, annotations);

      const snapshots = batch.flatMap((write) => (write.snapshot ? [{ taskId: write.taskId, ...write.snapshot }] : []));
      if (snapshots.length > 0) for (const id of await upsertSnapshots(trx, dialect, tables, snapshots)) found.add(id);

      const unchecked = batch.map((write) => write.taskId).filter((id) => !found.has(id));
      for (const ids of inChunks(unchecked, 1)) {
        const rows = await runSql(
          trx,
          `SELECT "id" FROM ${quote(tables.tasks)} WHERE "id" IN (${ids.map(() => '?').join(', ')})`,
          ids,
        );
        for (const row of rows) found.add(String(row.id));
      }
      const missing = batch.find((write) => !found.has(write.taskId));
      if (missing)
        throw new NotFoundError('TASK_NOT_FOUND', `No task ${missing.taskId} to write to; the batch was not committed`);
    }),
  );
}
