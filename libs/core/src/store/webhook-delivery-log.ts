/** How one try of a webhook delivery ended. */
export type WebhookOutcome = 'delivered' | 'retrying' | 'failed';

/** One try of delivering one event to one webhook, as the delivery log keeps it. */
export interface WebhookDelivery {
  /** The webhook's name. */
  webhook: string;
  eventId: string;
  eventType: string;
  /** 1 for the first try of this event (by the worker that made it). */
  attempt: number;
  /**
   * `delivered` (a 2xx answer), `retrying` (a network error, a timeout, a 5xx or a 429: tried again after a
   * backoff) or `failed` (any other answer, a 4xx say: given up, and the webhook moves on to the next event).
   */
  outcome: WebhookOutcome;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** Why it was not delivered. */
  error?: string;
  /** When the try started (engine time, ms). */
  at: number;
  durationMs: number;
}

/** Which deliveries {@link WebhookDeliveryLog.listWebhookDeliveries} answers. */
export interface WebhookDeliveryQuery {
  webhook?: string;
  eventId?: string;
  /** Most to answer; 100 when absent. */
  limit?: number;
}

/**
 * The store's log of webhook delivery tries, kept for every worker to read: whichever worker delivered, any other
 * (and the operator's tools) sees how it went.
 *
 * Promises:
 * - `listWebhookDeliveries` answers tries newest first (in the order they were recorded), filtered, at most `limit`.
 * - `recordWebhookDelivery` keeps at most `keepNewest` tries per webhook, dropping its oldest.
 */
export interface WebhookDeliveryLog {
  /** Records one try, and drops the webhook's oldest tries beyond `keepNewest`. */
  recordWebhookDelivery(delivery: WebhookDelivery, keepNewest: number): Promise<void>;
  /** The latest tries matching `query`, newest first. */
  listWebhookDeliveries(query: WebhookDeliveryQuery): Promise<WebhookDelivery[]>;
}
