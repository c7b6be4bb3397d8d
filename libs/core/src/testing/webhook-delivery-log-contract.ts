import { expect, it } from 'vitest';
import type { WebhookDelivery } from '../store/webhook-delivery-log.js';
import type { TaskStore } from '../store/task-store.js';

/** A try of `webhook` for event `eventId`. */
const delivery = (webhook: string, eventId: string, fields: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
  webhook,
  eventId,
  eventType: 'task.completed',
  attempt: 1,
  outcome: 'delivered',
  status: 204,
  at: 1_700_000_000_000,
  durationMs: 12,
  ...fields,
});

/**
 * The webhook delivery log cases of the store contract: tries read back equal, newest first, filtered, and at most
 * `keepNewest` per webhook. Run by `describeStoreContract`.
 */
export function webhookDeliveryLogContractCases(store: () => TaskStore): void {
  it('reads tries back equal, newest first, by webhook and by event', async () => {
    const failed = delivery('orders', '7', {
      attempt: 1,
      outcome: 'retrying',
      status: 500,
      error: 'HTTP 500',
      durationMs: 3,
    });
    const unreachable = delivery('orders', '7', { attempt: 2, outcome: 'retrying', error: 'connect ECONNREFUSED' });
    delete unreachable.status;
    const delivered = delivery('orders', '7', { attempt: 3 });
    const other = delivery('alerts', '8', { eventType: 'step.failed', outcome: 'failed', status: 410 });
    for (const entry of [failed, unreachable, other, delivered]) await store().recordWebhookDelivery(entry, 100);
    expect(await store().listWebhookDeliveries({})).toEqual([delivered, other, unreachable, failed]);
    expect(await store().listWebhookDeliveries({ webhook: 'orders', limit: 2 })).toEqual([delivered, unreachable]);
    expect(await store().listWebhookDeliveries({ eventId: '8' })).toEqual([other]);
    expect(await store().listWebhookDeliveries({ webhook: 'alerts', eventId: '7' })).toEqual([]);
  });

  it("keeps a webhook's newest tries only, leaving other webhooks' alone", async () => {
    await store().recordWebhookDelivery(delivery('alerts', '1'), 2);
    for (const eventId of ['1', '2', '3', '4']) await store().recordWebhookDelivery(delivery('orders', eventId), 2);
    expect((await store().listWebhookDeliveries({ webhook: 'orders' })).map((entry) => entry.eventId)).toEqual([
      '4',
      '3',
    ]);
    expect(await store().listWebhookDeliveries({ webhook: 'alerts' })).toHaveLength(1);
  });
}
