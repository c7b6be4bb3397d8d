import type { StoredSnapshot } from '@tasker/core';
import { fromRow, quote, selectList } from '../rows/column.js';
import { SNAPSHOT_STATE_COLUMNS } from '../rows/history-columns.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/** The task actor's latest snapshot, or `undefined` before its first write. */
export async function getSnapshot(
  { db, dialect, tables }: StoreContext,
  taskId: string,
): Promise<StoredSnapshot | undefined> {
  const [row] = await runSql(
    db,
    `SELECT ${selectList(dialect, SNAPSHOT_STATE_COLUMNS)} FROM ${quote(tables.snapshots)} WHERE "task_id" = ?`,
    [taskId],
  );
  return row && fromRow<StoredSnapshot>(row, SNAPSHOT_STATE_COLUMNS);
}
