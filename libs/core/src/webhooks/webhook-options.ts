import { checkEventPatterns } from '../domain/event-pattern.js';
import type { EventPattern } from '../domain/events.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import type { SubscriberRetry } from '../engine/subscriber-options.js';

/** A webhook: the engine POSTs every matching event to `url`, signed with `secret` (see docs/ENGINE.md, _Webhooks_). */
export interface WebhookOptions {
  /** The durable subscriber's name, unique per store; `webhook:<url>` when absent. */
  name?: string;
  /** Where to POST: an `http:` or `https:` URL. */
  url: string;
  /** Which events to send (`'task.completed'`, `'step.*'`, `'custom.*'`, `'*'`). */
  events: readonly EventPattern[];
  /** Keys the HMAC-SHA256 signature of every delivery (`Tasker-Signature`). */
  secret: string;
  /** Only the events of this namespace's tasks. */
  namespace?: string;
  /** How long one try waits for the receiver's answer; 10 s when absent. */
  timeoutMs?: number;
  /** Backoff between tries of a delivery that failed for a reason worth retrying; 1 s doubling up to 1 min. */
  retry?: Partial<SubscriberRetry>;
  /** Where a new webhook starts: after the newest event at its first start (the default), or from the oldest kept. */
  startAt?: 'oldest' | 'newest';
}

/** A webhook's options, checked, with its name and timeout in place. */
export type WebhookSettings = Omit<WebhookOptions, 'name' | 'timeoutMs'> & { name: string; timeoutMs: number };

/**
 * Checks the engine's `webhooks` option.
 * @throws InvalidRequestError naming the webhook and the field that is wrong (`webhooks[1].url`).
 */
export function webhookSettings(webhooks: unknown): WebhookSettings[] {
  if (!Array.isArray(webhooks)) throw new InvalidRequestError('webhooks', 'must be an array');
  return webhooks.map((webhook: WebhookOptions, index) => {
    const field = `webhooks[${index}]`;
    if (typeof webhook !== 'object' || webhook === null) throw new InvalidRequestError(field, 'must be an object');
    const { url, secret, events, name = `webhook:${String(url)}`, timeoutMs = 10_000 } = webhook;
    checkUrl(`${field}.url`, url);
    if (typeof secret !== 'string' || secret === '')
      throw new InvalidRequestError(`${field}.secret`, 'must be a non-empty string');
    checkEventPatterns(`${field}.events`, events);
    if (typeof name !== 'string' || name.trim() === '')
      throw new InvalidRequestError(`${field}.name`, 'must be a non-empty string');
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs))
      throw new InvalidRequestError(`${field}.timeoutMs`, 'must be a positive number of ms');
    return { ...webhook, name, timeoutMs };
  });
}

function checkUrl(field: string, url: unknown): void {
  if (typeof url !== 'string' || !URL.canParse(url))
    throw new InvalidRequestError(field, `'${String(url)}' is not a valid URL`);
  const { protocol } = new URL(url);
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new InvalidRequestError(field, `'${url}' must be an http: or https: URL`);
}
