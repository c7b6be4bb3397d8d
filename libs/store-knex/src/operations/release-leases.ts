import type { LeaseRelease } from '@tasker/core';
import { quote } from '../rows/column.js';
import { UNFINISHED_STATES_SQL } from '../rows/lease-columns.js';
import { leaseList } from '../sql/lease-list.js';
import { runSql } from '../sql/run-sql.js';
import { inChunks } from '../sql/values-list.js';
import type { StoreContext } from '../store-context.js';

/**
 * Ends the leases still held with these tokens: an unfinished task is claimable at once, or from its wake-up time
 * when it was passivated. Answers how many were released.
 */
export async function releaseLeases(
  { db, tables, exclusive }: StoreContext,
  releases: readonly LeaseRelease[],
): Promise<number> {
  const tasks = quote(tables.tasks);
  let released = 0;
  for (const chunk of inChunks(releases, 3)) {
    const list = leaseList(chunk);
    const rows = await exclusive(() =>
      runSql(
        db,
        `WITH ${list.sql} UPDATE ${tasks} SET "lease_owner" = NULL, "claimable_at" = CASE WHEN "state" IN ${UNFINISHED_STATES_SQL} ` +
          `THEN COALESCE((SELECT l."wake_at" FROM l WHERE l."id" = ${tasks}."id"), 0) ELSE NULL END ` +
          `WHERE "lease_owner" IS NOT NULL AND EXISTS (SELECT 1 FROM l WHERE l."id" = ${tasks}."id" AND l."token" = ${tasks}."lease_token") ` +
          'RETURNING "id"',
        list.bindings,
      ),
    );
    released += rows.length;
  }
  return released;
}
