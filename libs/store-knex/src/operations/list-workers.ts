import type { WorkerLeases } from '@tasker/core';
import { quote } from '../rows/column.js';
import { UNFINISHED_STATES_SQL } from '../rows/lease-columns.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/** Workers holding leases that have not expired at `now`, by worker id. */
export async function listWorkers({ db, tables }: StoreContext, now: number): Promise<WorkerLeases[]> {
  const rows = await runSql(
    db,
    `SELECT "lease_owner", count(*) AS leases, min("claimable_at") AS first_expiry FROM ${quote(tables.tasks)} ` +
      'WHERE "lease_owner" IS NOT NULL AND "claimable_at" > ? GROUP BY "lease_owner" ORDER BY "lease_owner"',
    [now],
  );
  return rows.map((row) => ({
    workerId: String(row.lease_owner),
    leases: Number(row.leases),
    firstExpiry: Number(row.first_expiry),
  }));
}

/** Unfinished tasks claimable at `now`, through the claim index. */
export async function countWaiting({ db, tables }: StoreContext, now: number): Promise<number> {
  const [row] = await runSql(
    db,
    `SELECT count(*) AS waiting FROM ${quote(tables.tasks)} WHERE "claimable_at" <= ? AND "state" IN ${UNFINISHED_STATES_SQL}`,
    [now],
  );
  return Number(row?.waiting ?? 0);
}
