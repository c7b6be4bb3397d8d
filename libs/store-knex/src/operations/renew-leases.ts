import type { Lease } from '@tasker/core';
import { quote } from '../rows/column.js';
import { leaseList } from '../sql/lease-list.js';
import { runSql } from '../sql/run-sql.js';
import { inChunks } from '../sql/values-list.js';
import type { StoreContext } from '../store-context.js';

/**
 * Extends the leases the worker still holds with these tokens, one `UPDATE` per few thousand leases (one per
 * heartbeat in practice); answers the tasks whose lease was lost.
 */
export async function renewLeases(
  { db, tables, exclusive }: StoreContext,
  workerId: string,
  leases: readonly Lease[],
  until: number,
): Promise<string[]> {
  const tasks = quote(tables.tasks);
  const held = new Set<string>();
  for (const chunk of inChunks(leases, 3)) {
    const list = leaseList(chunk);
    const rows = await exclusive(() =>
      runSql(
        db,
        `WITH ${list.sql} UPDATE ${tasks} SET "claimable_at" = ? WHERE "lease_owner" = ? ` +
          `AND EXISTS (SELECT 1 FROM l WHERE l."id" = ${tasks}."id" AND l."token" = ${tasks}."lease_token") RETURNING "id"`,
        [...list.bindings, until, workerId],
      ),
    );
    for (const row of rows) held.add(String(row.id));
  }
  return leases.filter((lease) => !held.has(lease.taskId)).map((lease) => lease.taskId);
}
