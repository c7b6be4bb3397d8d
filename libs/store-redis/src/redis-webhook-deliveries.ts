import type { WebhookDelivery, WebhookDeliveryLog, WebhookDeliveryQuery } from '@tasker/core';
import { RedisSeam } from './redis-seam.js';
import { SCRIPTS } from './scripts.js';

/** A list entry, `<sequence> <json>`, as its sequence and try. */
function entryOf(raw: string): { sequence: number; delivery: WebhookDelivery } {
  const space = raw.indexOf(' ');
  return { sequence: Number(raw.slice(0, space)), delivery: JSON.parse(raw.slice(space + 1)) as WebhookDelivery };
}

/**
 * The {@link WebhookDeliveryLog} of a {@link RedisStore}: a list per webhook, newest first and trimmed on every push
 * (one script), and the set of webhook names, all in the store-wide slot, so that a read across webhooks merges their lists by sequence.
 */
export class RedisWebhookDeliveries extends RedisSeam implements WebhookDeliveryLog {
  async recordWebhookDelivery(delivery: WebhookDelivery, keepNewest: number): Promise<void> {
    await this.runScript(
      SCRIPTS.recordWebhookDelivery,
      [this.keys.webhookDeliveries(delivery.webhook), this.keys.webhookSequence, this.keys.webhooks],
      [delivery.webhook, JSON.stringify(delivery), keepNewest],
    );
  }

  async listWebhookDeliveries({ webhook, eventId, limit = 100 }: WebhookDeliveryQuery): Promise<WebhookDelivery[]> {
    this.countCommand();
    const names = webhook === undefined ? await this.client.smembers(this.keys.webhooks) : [webhook];
    const pipeline = this.client.pipeline();
    for (const name of names) pipeline.lrange(this.keys.webhookDeliveries(name), 0, -1);
    this.countCommand();
    const lists = ((await pipeline.exec()) ?? []).map(([error, raw]) => {
      if (error) throw error;
      return (raw as string[]).map(entryOf);
    });
    return lists
      .flat()
      .filter(({ delivery }) => eventId === undefined || delivery.eventId === eventId)
      .sort((a, b) => b.sequence - a.sequence)
      .slice(0, limit)
      .map(({ delivery }) => delivery);
  }
}
