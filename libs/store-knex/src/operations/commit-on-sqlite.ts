import type { Knex } from 'knex';
import { NotFoundError, type CommitResult, type TaskWrite } from '@tasker/core';
import { quote } from '../rows/column.js';
import { ANNOTATION_COLUMNS, EVENT_COLUMNS, TRANSITION_COLUMNS, eventRows } from '../rows/history-columns.js';
import { ITEM_COLUMNS, ITEM_UPSERT } from '../rows/item-columns.js';
import { STEP_KEY, STEP_PATCH_COLUMNS } from '../rows/step-columns.js';
import { taskChangesOf } from '../rows/lease-columns.js';
import { TASK_KEY } from '../rows/task-columns.js';
import { insertRows } from '../sql/insert-rows.js';
import { changesOf, type RowUpdate } from '../sql/row-update.js';
import { runSql } from '../sql/run-sql.js';
import { updateRows } from '../sql/update-rows.js';
import { inChunks } from '../sql/values-list.js';
import type { StoreContext } from '../store-context.js';
import { upsertSnapshots } from './upsert-snapshots.js';

/**
 * The lease tokens of the batch's tasks, read inside its write transaction: SQLite has one writer at a time, so no
 * claim can raise a token between this read and the batch's writes.
 * @throws NotFoundError `TASK_NOT_FOUND` when a write names an unknown task.
 */
async function leaseTokens(
  trx: Knex.Transaction,
  tasks: string,
  batch: readonly TaskWrite[],
): Promise<Map<string, number>> {
  const tokens = new Map<string, number>();
  for (const ids of inChunks(
    batch.map((write) => write.taskId),
    1,
  )) {
    const rows = await runSql(
      trx,
      `SELECT "id", "lease_token" FROM ${tasks} WHERE "id" IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    for (const row of rows) tokens.set(String(row.id), Number(row.lease_token));
  }
  const missing = batch.find((write) => !tokens.has(write.taskId));
  if (missing)
    throw new NotFoundError('TASK_NOT_FOUND', `No task ${missing.taskId} to write to; the batch was not committed`);
  return tokens;
}

/**
 * Commits a batch (one write per task) on SQLite in one transaction: the batch's lease tokens, then one `UPDATE` of task rows and
 * one of step rows per set of patched fields, one `INSERT` of all transitions, one of all annotations, one upsert of all map items, one upsert of
 * all snapshots (each cut in chunks only past thousands of rows). SQLite runs in the process, so statements cost no
 * round trip; one transaction costs one WAL append.
 *
 * A write for an unknown task fails the batch with `TASK_NOT_FOUND`; a write with a stale lease token is dropped
 * and answered as fenced.
 */
export async function commitOnSqlite(
  { db, dialect, tables, exclusive }: StoreContext,
  writes: readonly TaskWrite[],
): Promise<CommitResult> {
  return exclusive(() =>
    db.transaction(async (trx) => {
      const tokens = await leaseTokens(trx, quote(tables.tasks), writes);
      const fenced = writes
        .filter((write) => write.leaseToken !== undefined && write.leaseToken !== tokens.get(write.taskId))
        .map((write) => write.taskId);
      const batch = fenced.length === 0 ? writes : writes.filter((write) => !fenced.includes(write.taskId));
      const taskUpdates: RowUpdate[] = batch.flatMap((write) =>
        write.task ? [{ key: [write.taskId], changes: taskChangesOf(write.task) }] : [],
      );
      await updateRows(trx, dialect, tables.tasks, TASK_KEY, taskUpdates);

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
      const items = batch.flatMap((write) => write.items ?? []);
      if (items.length > 0) await insertRows(trx, tables.stepItems, ITEM_COLUMNS, items, ITEM_UPSERT);

      const snapshots = batch.flatMap((write) => (write.snapshot ? [{ taskId: write.taskId, ...write.snapshot }] : []));
      if (snapshots.length > 0) await upsertSnapshots(trx, dialect, tables, snapshots);
      // One writer at a time: autoincrement ids follow commit order.
      const events = eventRows(batch);
      if (events.length > 0) await insertRows(trx, tables.events, EVENT_COLUMNS, events);
      return { fenced };
    }),
  );
}
