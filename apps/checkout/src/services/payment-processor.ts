import { randomUUID } from 'node:crypto';

/** What a charge answers. */
export type ChargeResult =
  { ok: true; id: string; amount: number } | { ok: false; retryable: boolean; error: string; retryAfterMs?: number };

/**
 * A simulated payment processor. Test tokens behave like the seed's: `tok_success` charges, `tok_insufficient_funds`
 * declines for good, `tok_rate_limited` asks to come back later once, `tok_flaky` fails twice then charges.
 * Charges are deduplicated by idempotency key, so a retried step never charges twice.
 */
export class PaymentProcessor {
  readonly #charges = new Map<string, ChargeResult & { ok: true }>();
  readonly #failures = new Map<string, number>();

  /** Charges made, one per idempotency key. */
  get charges(): number {
    return this.#charges.size;
  }

  async charge(request: { amount: number; token: string; idempotencyKey: string }): Promise<ChargeResult> {
    const earlier = this.#charges.get(request.idempotencyKey);
    if (earlier) return earlier;
    const failures = this.#failures.get(request.idempotencyKey) ?? 0;
    this.#failures.set(request.idempotencyKey, failures + 1);
    if (request.token === 'tok_insufficient_funds') return { ok: false, retryable: false, error: 'insufficient funds' };
    if (request.token === 'tok_rate_limited' && failures === 0) {
      return { ok: false, retryable: true, error: 'rate limited', retryAfterMs: 300 };
    }
    if (request.token === 'tok_flaky' && failures < 2) return { ok: false, retryable: true, error: 'gateway timeout' };
    const charge = { ok: true as const, id: `pi_${randomUUID().slice(0, 8)}`, amount: request.amount };
    this.#charges.set(request.idempotencyKey, charge);
    return charge;
  }
}
