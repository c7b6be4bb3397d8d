import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries a webhook delivery's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'Tasker-Signature';

/** The hex HMAC-SHA256, keyed by `secret`, of `"<timestamp>.<body>"`: what `v1=` carries. */
function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The `Tasker-Signature` header for `body` sent at `timestamp` (unix seconds): `t=<timestamp>,v1=<hex>`, where
 * `<hex>` is the HMAC-SHA256 of `"<timestamp>.<body>"` keyed by the webhook's secret. Signing the time with the
 * body lets a receiver refuse an old delivery replayed by whoever captured it.
 */
export function signWebhookBody(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}

/** What {@link verifyWebhookSignature} checks. */
export interface WebhookVerification {
  secret: string;
  /** The `Tasker-Signature` header as received. */
  header: string | undefined;
  /** The request body exactly as received (bytes decoded as UTF-8, before any JSON parsing). */
  body: string;
  /** How old a delivery may be, in seconds; 300 when absent. */
  toleranceSeconds?: number;
  /** Now, in unix seconds; the wall clock when absent. */
  now?: number;
}

/**
 * Whether a webhook delivery is genuine: its `Tasker-Signature` header is well formed, its `v1` matches the body
 * and time under `secret` (compared in constant time), and its time is within `toleranceSeconds` of now.
 *
 * @example
 * const ok = verifyWebhookSignature({ secret, header: req.headers['tasker-signature'], body: rawBody });
 */
export function verifyWebhookSignature(verification: WebhookVerification): boolean {
  const { secret, header, body, toleranceSeconds = 300, now = Math.floor(Date.now() / 1_000) } = verification;
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(now - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, timestamp, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}
