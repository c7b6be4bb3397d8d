import type { WebhookDelivery, WebhookDeliveryQuery, WebhookOutcome } from '@tasker/core';
import type { StoreContext } from '../store-context.js';

/** A row of the delivery log as the driver returns it (bigints as strings on PostgreSQL). */
interface DeliveryRow {
  webhook: string;
  event_id: string;
  event_type: string;
  attempt: number | string;
  outcome: string;
  status: number | string | null;
  error: string | null;
  at: number | string;
  duration_ms: number | string;
}

function deliveryOf(row: DeliveryRow): WebhookDelivery {
  return {
    webhook: row.webhook,
    eventId: row.event_id,
    eventType: row.event_type,
    attempt: Number(row.attempt),
    outcome: row.outcome as WebhookOutcome,
    ...(row.status === null ? {} : { status: Number(row.status) }),
    ...(row.error === null ? {} : { error: row.error }),
    at: Number(row.at),
    durationMs: Number(row.duration_ms),
  };
}

/** Inserts one try and deletes the webhook's tries older than its newest `keepNewest`, in one transaction. */
export async function recordWebhookDelivery(
  { db, tables, exclusive }: StoreContext,
  delivery: WebhookDelivery,
  keepNewest: number,
): Promise<void> {
  const table = tables.webhookDeliveries;
  await exclusive(() =>
    db.transaction(async (trx) => {
      await trx(table).insert({
        webhook: delivery.webhook,
        event_id: delivery.eventId,
        event_type: delivery.eventType,
        attempt: delivery.attempt,
        outcome: delivery.outcome,
        status: delivery.status ?? null,
        error: delivery.error ?? null,
        at: delivery.at,
        duration_ms: delivery.durationMs,
      });
      const oldestKept = trx(table)
        .select('id')
        .where('webhook', delivery.webhook)
        .orderBy('id', 'desc')
        .limit(1)
        .offset(keepNewest - 1);
      await trx(table).where('webhook', delivery.webhook).andWhere('id', '<', oldestKept).del();
    }),
  );
}

/** The latest tries matching `query`, newest first. */
export async function listWebhookDeliveries(
  { db, tables }: StoreContext,
  { webhook, eventId, limit = 100 }: WebhookDeliveryQuery,
): Promise<WebhookDelivery[]> {
  const query = db(tables.webhookDeliveries).select<DeliveryRow[]>('*').orderBy('id', 'desc').limit(limit);
  if (webhook !== undefined) query.where('webhook', webhook);
  if (eventId !== undefined) query.where('event_id', eventId);
  return (await query).map(deliveryOf);
}
