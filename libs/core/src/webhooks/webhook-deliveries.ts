/** How one try of a webhook delivery ended. */
export type WebhookOutcome = 'delivered' | 'retrying' | 'failed';

/** One try of delivering one event to one webhook, as the delivery log keeps it. */
export interface WebhookDelivery {
  /** The webhook's name. */
  webhook: string;
  eventId: string;
  eventType: string;
  /** 1 for the first try of this event. */
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

/** Which deliveries {@link WebhookDeliveryLog.list} answers. */
export interface WebhookDeliveryQuery {
  webhook?: string;
  eventId?: string;
  /** Most to answer; 100 when absent. */
  limit?: number;
}

/**
 * The last deliveries this engine tried (every try, newest first), at most `capacity`: what `engine.webhooks`
 * answers. It lives in the process that delivered, so ask the worker that holds the webhook (see docs/ENGINE.md).
 */
export class WebhookDeliveryLog {
  readonly #capacity: number;
  #entries: WebhookDelivery[] = [];

  constructor(capacity = 1_000) {
    this.#capacity = capacity;
  }

  record(delivery: WebhookDelivery): void {
    this.#entries.push(delivery);
    // Trimmed in halves, so that recording stays cheap on average.
    if (this.#entries.length > this.#capacity * 1.5) this.#entries = this.#entries.slice(-this.#capacity);
  }

  /** The latest tries matching `query`, newest first. */
  list(query: WebhookDeliveryQuery = {}): WebhookDelivery[] {
    const { webhook, eventId, limit = 100 } = query;
    const found: WebhookDelivery[] = [];
    for (let index = this.#entries.length - 1; index >= 0 && found.length < limit; index--) {
      const entry = this.#entries[index]!;
      if (this.#entries.length - index > this.#capacity) break;
      if ((webhook === undefined || entry.webhook === webhook) && (eventId === undefined || entry.eventId === eventId))
        found.push({ ...entry });
    }
    return found;
  }
}
