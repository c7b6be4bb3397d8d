import type { SubscriberClaim, SubscriberHold } from '@tasker/core';
import { quote } from '../rows/column.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/**
 * Takes or renews the hold on a subscriber name in one statement (see `SubscriberPositions.claimSubscriber`): a
 * new name is inserted; an existing one is updated only when its hold lapsed or is the claimer's own, the token
 * raised unless the claimer renews in time. No row comes back when another worker holds the name.
 */
export async function claimSubscriber(
  { db, tables, exclusive }: StoreContext,
  { name, workerId, now, until }: SubscriberClaim,
): Promise<SubscriberHold | undefined> {
  const table = quote(tables.subscribers);
  const rows = await exclusive(() =>
    runSql(
      db,
      `INSERT INTO ${table} AS "s" ("name", "owner", "token", "lease_until") VALUES (?, ?, 1, ?)
       ON CONFLICT ("name") DO UPDATE SET
         "owner" = excluded."owner",
         "lease_until" = excluded."lease_until",
         "token" = CASE WHEN "s"."owner" = excluded."owner" AND "s"."lease_until" > ? THEN "s"."token" ELSE "s"."token" + 1 END
       WHERE "s"."owner" = excluded."owner" OR "s"."lease_until" <= ?
       RETURNING "token", "position"`,
      [name, workerId, until, now, now],
    ),
  );
  const [row] = rows;
  if (!row) return undefined;
  const token = Number(row.token);
  return row.position === null || row.position === undefined ? { token } : { token, position: String(row.position) };
}

/** Records a subscriber's position if `token` is still its hold's; answers whether it did. */
export async function saveSubscriberPosition(
  { db, tables, exclusive }: StoreContext,
  name: string,
  token: number,
  position: string,
): Promise<boolean> {
  const rows = await exclusive(() =>
    runSql(
      db,
      `UPDATE ${quote(tables.subscribers)} SET "position" = ? WHERE "name" = ? AND "token" = ? RETURNING "name"`,
      [position, name, token],
    ),
  );
  return rows.length > 0;
}

/** Ends a subscriber's hold at once if `token` is still its own. */
export async function releaseSubscriber(
  { db, tables, exclusive }: StoreContext,
  name: string,
  token: number,
): Promise<void> {
  await exclusive(() =>
    runSql(db, `UPDATE ${quote(tables.subscribers)} SET "lease_until" = 0 WHERE "name" = ? AND "token" = ?`, [
      name,
      token,
    ]),
  );
}

/** A subscriber's position, if it handled any event. */
export async function readSubscriberPosition({ db, tables }: StoreContext, name: string): Promise<string | undefined> {
  const [row] = await runSql(db, `SELECT "position" FROM ${quote(tables.subscribers)} WHERE "name" = ?`, [name]);
  return row?.position === null || row?.position === undefined ? undefined : String(row.position);
}
