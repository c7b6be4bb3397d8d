import {
  nextTokenAt,
  refillTokens,
  type HeldSlot,
  type SlotGrant,
  type SlotRequest,
  type TokenGrant,
  type TokenRequest,
} from '@tasker/core';
import type { Knex } from 'knex';
import type { StoreContext } from '../store-context.js';

/**
 * Serialises the transactions about one key (Postgres: a transaction-level advisory lock on the table and key;
 * SQLite has one writer), so that counting the holders and granting a slot, or reading and refilling a bucket, is
 * atomic across workers.
 */
async function lockKey({ dialect }: StoreContext, trx: Knex.Transaction, table: string, key: string): Promise<void> {
  if (dialect === 'postgres') await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`${table}:${key}`]);
}

/** `ConcurrencyLimits.acquireSlot` in one transaction: lapsed slots dropped, the holder's kept or one granted. */
export async function acquireSlot(context: StoreContext, request: SlotRequest): Promise<SlotGrant> {
  const { db, tables, exclusive } = context;
  const slots = tables.concurrencySlots;
  return exclusive(() =>
    db.transaction(async (trx) => {
      await lockKey(context, trx, slots, request.key);
      await trx(slots).where('key', request.key).where('until', '<=', request.now).delete();
      const rows = (await trx(slots).select('holder', 'until').where('key', request.key)) as Array<{
        holder: string;
        until: unknown;
      }>;
      const own = rows.find((row) => row.holder === request.holder);
      if (own) {
        await trx(slots)
          .where({ key: request.key, holder: request.holder })
          .update({ until: Math.max(request.until, Number(own.until)) });
        return { acquired: true };
      }
      if (rows.length >= request.limit) {
        return { acquired: false, retryAt: Math.min(...rows.map((row) => Number(row.until))) };
      }
      await trx(slots).insert({ key: request.key, holder: request.holder, until: request.until });
      return { acquired: true };
    }),
  );
}

/** `ConcurrencyLimits.renewSlots`: one update per slot, in one transaction. */
export async function renewSlots({ db, tables, exclusive }: StoreContext, held: HeldSlot[], until: number) {
  if (held.length === 0) return;
  await exclusive(() =>
    db.transaction(async (trx) => {
      for (const { key, holder } of held) {
        await trx(tables.concurrencySlots).where({ key, holder }).where('until', '<', until).update({ until });
      }
    }),
  );
}

/** `ConcurrencyLimits.releaseSlot`: whether a slot was freed (the store then announces it). */
export async function releaseSlot({ db, tables, exclusive }: StoreContext, { key, holder }: HeldSlot) {
  return (await exclusive(async () => db(tables.concurrencySlots).where({ key, holder }).delete())) > 0;
}

/** `RateLimits.takeToken` in one transaction: the bucket created full, refilled to `now`, and one token taken. */
export async function takeToken(context: StoreContext, request: TokenRequest): Promise<TokenGrant> {
  const { db, tables, exclusive } = context;
  return exclusive(() =>
    db.transaction(async (trx) => {
      await lockKey(context, trx, tables.rateLimits, request.key);
      const row = (await trx(tables.rateLimits).select('credit', 'refilled_at').where('key', request.key))[0] as
        { credit: unknown; refilled_at: unknown } | undefined;
      const bucket = refillTokens(row && { credit: Number(row.credit), refilledAt: Number(row.refilled_at) }, request);
      const granted = bucket.credit >= request.periodMs;
      const credit = granted ? bucket.credit - request.periodMs : bucket.credit;
      await trx(tables.rateLimits)
        .insert({ key: request.key, credit, refilled_at: bucket.refilledAt })
        .onConflict('key')
        .merge();
      return granted ? { granted: true } : { granted: false, retryAt: nextTokenAt(bucket, request) };
    }),
  );
}
