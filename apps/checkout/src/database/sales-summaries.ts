import type { Knex } from 'knex';

const DAY_MS = 24 * 60 * 60 * 1_000;

/** What the shop sold on one UTC day: its orders that stand (not cancelled) and their total. */
export interface SalesSummary {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  orders: number;
  revenueCents: number;
}

/** The UTC day before the one `at` falls in, as `YYYY-MM-DD`. */
export function dayBefore(at: number): string {
  return new Date(Math.floor(at / DAY_MS) * DAY_MS - DAY_MS).toISOString().slice(0, 10);
}

/**
 * Sums the orders of `day` that were not cancelled and records the summary, replacing one made before for that day
 * (a summary run twice, by a retry or by hand, leaves one row).
 */
export async function summariseDay(db: Knex, day: string, now: number): Promise<SalesSummary> {
  const from = Date.parse(`${day}T00:00:00Z`);
  const row = (await db('orders')
    .where('created_at', '>=', from)
    .andWhere('created_at', '<', from + DAY_MS)
    .whereNull('cancelled_at')
    .count({ orders: '*' })
    .sum({ revenue: 'total_cents' })
    .first()) as { orders: number | string; revenue: number | string | null } | undefined;
  const summary = { day, orders: Number(row?.orders ?? 0), revenueCents: Number(row?.revenue ?? 0) };
  await db('sales_summaries')
    .insert({ day, orders: summary.orders, revenue_cents: summary.revenueCents, created_at: now })
    .onConflict('day')
    .merge();
  return summary;
}

/** The recorded summary of `day`, if any. */
export async function salesSummaryOf(db: Knex, day: string): Promise<SalesSummary | undefined> {
  const row = (await db('sales_summaries').where({ day }).first()) as
    { day: string; orders: number | string; revenue_cents: number | string } | undefined;
  return row && { day: row.day, orders: Number(row.orders), revenueCents: Number(row.revenue_cents) };
}
