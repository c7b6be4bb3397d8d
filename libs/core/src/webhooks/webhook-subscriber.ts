import type { EngineEvent } from '../domain/events.js';
import type { Clock } from '../ports/clock.js';
import type { EventDelivery, EventSubscriberOptions } from '../engine/subscriber-options.js';
import type { Logger } from '../ports/logger.js';
import type { WebhookDeliveryLog, WebhookOutcome } from '../store/webhook-delivery-log.js';
import type { WebhookSettings } from './webhook-options.js';
import { WEBHOOK_SIGNATURE_HEADER, signWebhookBody } from './webhook-signature.js';

/** How many tries the store's delivery log keeps per webhook. */
const KEPT_TRIES = 1_000;

/** A try that should be made again: thrown so that the durable subscriber retries the event after its backoff. */
class RetryableDeliveryError extends Error {}

/** Whether a receiver's status is worth another try: it may answer differently later (5xx, 429 Too Many Requests). */
const isRetryableStatus = (status: number) => status >= 500 || status === 429;

/** The outcome of an answer, or why it was no answer. */
async function post(
  webhook: WebhookSettings,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<{ outcome: WebhookOutcome; status?: number; error?: string }> {
  try {
    const response = await fetch(webhook.url, {
      method: 'POST',
      headers,
      body,
      // A redirect is not followed: the receiver's answer is the one its URL gives.
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(webhook.timeoutMs)]),
    });
    // The body is not read, but consumed so that the connection is free for the next delivery.
    await response.arrayBuffer().catch(() => undefined);
    const { status } = response;
    if (response.ok) return { outcome: 'delivered', status };
    return { outcome: isRetryableStatus(status) ? 'retrying' : 'failed', status, error: `HTTP ${status}` };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    const message = timedOut
      ? `no answer within ${webhook.timeoutMs} ms`
      : `${error instanceof Error ? error.message : String(error)}${cause}`;
    return { outcome: 'retrying', error: message };
  }
}

/**
 * The durable subscriber that delivers to one webhook: each event is POSTed as JSON (`{ id, type, ...event }`) with
 * `Tasker-Event-Id`, `Tasker-Event-Type` and `Tasker-Signature`; a network error, a timeout, a 5xx or a 429 is
 * tried again with backoff (before any later event), any other non-2xx answer is recorded as failed and skipped.
 * Every try is recorded in the store's delivery log.
 */
export function webhookSubscriber(
  webhook: WebhookSettings,
  deliveries: WebhookDeliveryLog,
  clock: Clock,
  logger: Logger,
): EventSubscriberOptions {
  const handle = async (event: EngineEvent, { id, attempt, signal }: EventDelivery): Promise<void> => {
    const body = JSON.stringify({ id, ...event });
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'tasker-webhooks',
      'tasker-event-id': id,
      'tasker-event-type': event.type,
      [WEBHOOK_SIGNATURE_HEADER.toLowerCase()]: signWebhookBody(webhook.secret, body, Math.floor(clock.now() / 1_000)),
    };
    const at = clock.now();
    const result = await post(webhook, body, headers, signal);
    // Stopping is no outcome of the delivery: the next holder of the webhook tries again.
    if (signal.aborted) throw signal.reason;
    const delivery = { webhook: webhook.name, eventId: id, eventType: event.type, attempt, ...result, at };
    // A try the log failed to keep is still a try: the delivery goes on as its outcome says, and the log has a gap.
    await deliveries
      .recordWebhookDelivery({ ...delivery, durationMs: clock.now() - at }, KEPT_TRIES)
      .catch((error: unknown) => logger.warn({ err: error, ...delivery }, 'recording a webhook delivery failed'));
    if (result.outcome === 'retrying') throw new RetryableDeliveryError(`${webhook.url}: ${result.error}`);
  };
  return {
    name: webhook.name,
    types: webhook.events,
    handle,
    startAt: webhook.startAt ?? 'newest',
    ...(webhook.namespace === undefined ? {} : { namespace: webhook.namespace }),
    ...(webhook.retry === undefined ? {} : { retry: webhook.retry }),
  };
}
