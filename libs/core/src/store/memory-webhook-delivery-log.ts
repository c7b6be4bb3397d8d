import type { WebhookDelivery, WebhookDeliveryLog, WebhookDeliveryQuery } from './webhook-delivery-log.js';

/** The {@link WebhookDeliveryLog} of the memory store: an array of tries per webhook, oldest first. */
export class MemoryWebhookDeliveryLog implements WebhookDeliveryLog {
  readonly #byWebhook = new Map<string, WebhookDelivery[]>();
  /** Every try's order of recording, so that a list across webhooks comes out newest first. */
  readonly #sequence = new WeakMap<WebhookDelivery, number>();
  #recorded = 0;

  async recordWebhookDelivery(delivery: WebhookDelivery, keepNewest: number): Promise<void> {
    const entry = { ...delivery };
    this.#sequence.set(entry, ++this.#recorded);
    let tries = this.#byWebhook.get(delivery.webhook);
    if (!tries) this.#byWebhook.set(delivery.webhook, (tries = []));
    tries.push(entry);
    if (tries.length > keepNewest) tries.splice(0, tries.length - keepNewest);
  }

  async listWebhookDeliveries({ webhook, eventId, limit = 100 }: WebhookDeliveryQuery): Promise<WebhookDelivery[]> {
    const tries = webhook === undefined ? [...this.#byWebhook.values()].flat() : (this.#byWebhook.get(webhook) ?? []);
    return tries
      .filter((entry) => eventId === undefined || entry.eventId === eventId)
      .sort((a, b) => this.#sequence.get(b)! - this.#sequence.get(a)!)
      .slice(0, limit)
      .map((entry) => ({ ...entry }));
  }
}
