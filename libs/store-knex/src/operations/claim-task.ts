import type { Lease, LeaseTerms } from '@tasker/core';
import { quote } from '../rows/column.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/**
 * Leases one task for an operator's action, whatever its state (see `TaskStore.claimTask`): one conditional
 * `UPDATE`, so it cannot take a task from a worker whose lease holds.
 */
export async function claimTask(
  { db, tables, exclusive }: StoreContext,
  taskId: string,
  { workerId, now, until }: LeaseTerms,
): Promise<Lease | undefined> {
  const [row] = await exclusive(() =>
    runSql(
      db,
      `UPDATE ${quote(tables.tasks)} SET "lease_owner" = ?, "lease_token" = "lease_token" + 1, "claimable_at" = ? ` +
        'WHERE "id" = ? AND ("lease_owner" IS NULL OR "lease_owner" = ? OR "claimable_at" IS NULL OR "claimable_at" <= ?) ' +
        'RETURNING "lease_token"',
      [workerId, until, taskId, workerId, now],
    ),
  );
  return row ? { taskId, token: Number(row.lease_token) } : undefined;
}
