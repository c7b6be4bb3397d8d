import { quote } from '../rows/column.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/** Ids of `pending` and `in_progress` tasks, oldest first (ties by id), through the `(state, created_at)` index. */
export async function listUnfinishedTaskIds({ db, tables }: StoreContext): Promise<string[]> {
  const rows = await runSql(
    db,
    `SELECT "id" FROM ${quote(tables.tasks)} WHERE "state" IN ('pending', 'in_progress') ORDER BY "created_at", "id"`,
  );
  return rows.map((row) => String(row.id));
}
