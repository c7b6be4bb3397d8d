import type { ClaimRequest, ClaimResult, Lease } from '@tasker/core';
import { quote } from '../rows/column.js';
import { UNFINISHED_STATES_SQL } from '../rows/lease-columns.js';
import { runSql, type Row } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/** Leases from claimed rows, in claim order. */
const leasesOf = (rows: readonly Row[]): Lease[] =>
  rows.map((row) => ({ taskId: String(row.id), token: Number(row.lease_token) }));

/**
 * The claimable tasks due now (or still leased to the claiming worker, when it takes back its own), in claim order.
 * Bindings: now, reclaim own (1 or 0), worker id, limit.
 */
const dueRows = (tasks: string) =>
  `FROM ${tasks} WHERE "claimable_at" IS NOT NULL AND "state" IN ${UNFINISHED_STATES_SQL} ` +
  `AND ("claimable_at" <= ? OR (CAST(? AS boolean) AND "lease_owner" = ?)) ` +
  'ORDER BY "claimable_at", "created_at", "id" LIMIT ?';

/**
 * When the next unfinished task that is not this worker's becomes claimable (a wake-up or another worker's lease
 * expiry). Bindings: now, worker id.
 */
const nextDue = (tasks: string) =>
  `SELECT min("claimable_at") FROM ${tasks} WHERE "claimable_at" > ? AND "state" IN ${UNFINISHED_STATES_SQL} ` +
  'AND "lease_owner" IS DISTINCT FROM ?';

/**
 * The due rows, locked, then leased, in one statement. `SKIP LOCKED` lets workers claim at once without waiting for
 * each other or taking the same row: a row another claim (or a commit's fencing lock) holds is left to it. The
 * sub-select for the next due time sees the table as before the statement, so it never answers this claim's rows.
 */
function postgresClaim(tasks: string): string {
  return (
    `WITH due AS (SELECT "id", "claimable_at", "created_at" ${dueRows(tasks)} FOR UPDATE SKIP LOCKED), ` +
    `claimed AS (UPDATE ${tasks} AS t SET "lease_owner" = ?, "lease_token" = t."lease_token" + 1, "claimable_at" = ? ` +
    'FROM due WHERE t."id" = due."id" RETURNING t."id", t."lease_token") ' +
    `SELECT c."id", c."lease_token", (${nextDue(tasks)}) AS next_due ` +
    'FROM claimed c JOIN due d ON d."id" = c."id" ORDER BY d."claimable_at", d."created_at", d."id"'
  );
}

/**
 * Leases up to `limit` claimable tasks to the worker (see `TaskStore.claimTasks`). Postgres: one statement. SQLite:
 * one write transaction (SQLite has one writer at a time, so no two claims interleave).
 */
export async function claimTasks(
  { db, dialect, tables, exclusive }: StoreContext,
  { workerId, now, until, limit, reclaimOwn = false }: ClaimRequest,
): Promise<ClaimResult> {
  const tasks = quote(tables.tasks);
  if (limit <= 0) return { leases: [] };
  if (dialect === 'postgres') {
    const rows = await runSql(db, postgresClaim(tasks), [
      now,
      reclaimOwn ? 1 : 0,
      workerId,
      limit,
      workerId,
      until,
      now,
      workerId,
    ]);
    // With no row claimed the sub-select has no row to ride on: ask for the next due time on its own.
    const nextDue = rows.length > 0 ? rows[0]!.next_due : await nextDueAt(db, tasks, now, workerId);
    return withNextDue(leasesOf(rows), nextDue);
  }
  return exclusive(() =>
    db.transaction(async (trx) => {
      const due = await runSql(trx, `SELECT "id" ${dueRows(tasks)}`, [now, reclaimOwn ? 1 : 0, workerId, limit]);
      const ids = due.map((row) => String(row.id));
      const leases: Lease[] = [];
      if (ids.length > 0) {
        const claimed = await runSql(
          trx,
          `UPDATE ${tasks} SET "lease_owner" = ?, "lease_token" = "lease_token" + 1, "claimable_at" = ? ` +
            `WHERE "id" IN (${ids.map(() => '?').join(', ')}) RETURNING "id", "lease_token"`,
          [workerId, until, ...ids],
        );
        const tokens = new Map(leasesOf(claimed).map((lease) => [lease.taskId, lease.token]));
        for (const id of ids) leases.push({ taskId: id, token: tokens.get(id)! });
      }
      return withNextDue(leases, await nextDueAt(trx, tasks, now, workerId));
    }),
  );
}

async function nextDueAt(db: Parameters<typeof runSql>[0], tasks: string, now: number, workerId: string) {
  const [row] = await runSql(db, `SELECT (${nextDue(tasks)}) AS next_due`, [now, workerId]);
  return row?.next_due;
}

function withNextDue(leases: Lease[], nextDue: unknown): ClaimResult {
  return nextDue === null || nextDue === undefined ? { leases } : { leases, nextDueAt: Number(nextDue) };
}
