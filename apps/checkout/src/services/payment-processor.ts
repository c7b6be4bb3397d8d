import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { findRefundOfPayment, type Refund } from '../database/refunds.js';
import { ServiceError } from './service-error.js';
import type { ServiceCall, ServiceSimulation } from './service-simulation.js';

/** The test tokens the processor knows, as in the seed's tests. */
export const TEST_TOKENS = [
  'tok_success',
  'tok_insufficient_funds',
  'tok_timeout',
  'tok_rate_limited',
  'tok_flaky',
] as const;

/** A test token: how the simulated card behaves. */
export type TestToken = (typeof TEST_TOKENS)[number];

/** A charge as the processor answers it. */
export interface Charge {
  id: string;
  amountCents: number;
}

/** A request to charge `amountCents` to the card behind `token`. */
export interface ChargeRequest extends ServiceCall {
  token: TestToken;
  amountCents: number;
}

/** A request to refund the charge made with `chargeKey`. */
export interface RefundRequest extends ServiceCall {
  /** The idempotency key the charge was made with. */
  chargeKey: string;
}

const SERVICE = 'payment processor';

/** A processor's id of `prefix` (`pi` a charge, `re` a refund). */
const processorId = (prefix: string) => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 24)}`;

/**
 * A simulated payment processor that writes its charges to the `payments` table.
 *
 * Tokens: `tok_success` charges; `tok_insufficient_funds` declines for good; `tok_timeout` charges but answers the
 * first time only after `slowResponseMs` (longer than the step's timeout, so the attempt is aborted after the money
 * moved); `tok_rate_limited` is refused once with a retry-after; `tok_flaky` fails `flakyFailures` times, then
 * charges. A request whose idempotency key was charged already gets that charge back and charges nothing: the
 * key is unique in the table, so even two racing attempts cannot charge twice.
 */
export class PaymentProcessor {
  readonly #db: Knex;
  readonly #simulation: ServiceSimulation;
  /** Refused calls so far of each key of a `tok_flaky` or `tok_rate_limited` card not charged yet. */
  readonly #refusals = new Map<string, number>();

  constructor(db: Knex, simulation: ServiceSimulation) {
    this.#db = db;
    this.#simulation = simulation;
  }

  /** @throws ServiceError, transient or not, when the charge is refused. */
  charge(request: ChargeRequest): Promise<Charge> {
    return this.#simulation.run(SERVICE, request, async () => {
      const earlier = await this.#find(request.idempotencyKey);
      if (earlier) return earlier;
      this.#refuseByToken(request);
      const charge = await this.#record(request);
      this.#refusals.delete(request.idempotencyKey);
      if (request.token === 'tok_timeout') {
        await sleep(this.#simulation.config.slowResponseMs, undefined, { signal: request.signal });
      }
      return charge;
    });
  }

  /**
   * Refunds the whole charge made with `request.chargeKey`, once: a refund retried under its own key or raced
   * under another finds the first (a charge has at most one refund).
   * @returns the refund, or undefined when no charge was made with that key (nothing to give back).
   */
  refund(request: RefundRequest): Promise<Refund | undefined> {
    return this.#simulation.run(SERVICE, request, async () => {
      const charge = await this.#find(request.chargeKey);
      if (!charge) return undefined;
      await this.#db('refunds')
        .insert({
          id: processorId('re'),
          payment_id: charge.id,
          idempotency_key: request.idempotencyKey,
          reference: request.reference,
          amount_cents: charge.amountCents,
          created_at: Date.now(),
        })
        .onConflict('payment_id')
        .ignore();
      const refund = await findRefundOfPayment(this.#db, charge.id);
      if (!refund) throw new Error(`the refund of ${charge.id} vanished after it was written`);
      return refund;
    });
  }

  #refuseByToken(request: ChargeRequest): void {
    const { config } = this.#simulation;
    if (request.token === 'tok_insufficient_funds') {
      throw new ServiceError(SERVICE, 'card declined: insufficient funds', { transient: false });
    }
    const refused = this.#refusals.get(request.idempotencyKey) ?? 0;
    const limit = request.token === 'tok_flaky' ? config.flakyFailures : request.token === 'tok_rate_limited' ? 1 : 0;
    if (refused >= limit) return;
    this.#refusals.set(request.idempotencyKey, refused + 1);
    if (request.token === 'tok_rate_limited') {
      throw new ServiceError(SERVICE, 'rate limited (429)', {
        transient: true,
        retryAfterMs: config.rateLimitRetryAfterMs,
      });
    }
    throw new ServiceError(SERVICE, 'gateway error (502)', { transient: true });
  }

  async #record(request: ChargeRequest): Promise<Charge> {
    await this.#db('payments')
      .insert({
        id: processorId('pi'),
        idempotency_key: request.idempotencyKey,
        reference: request.reference,
        token: request.token,
        amount_cents: request.amountCents,
        created_at: Date.now(),
      })
      .onConflict('idempotency_key')
      .ignore();
    const charge = await this.#find(request.idempotencyKey);
    if (!charge) throw new Error(`the charge of ${request.idempotencyKey} vanished after it was written`);
    return charge;
  }

  async #find(idempotencyKey: string): Promise<Charge | undefined> {
    const row = await this.#db('payments').where({ idempotency_key: idempotencyKey }).first('id', 'amount_cents');
    return row && { id: row.id as string, amountCents: Number(row.amount_cents) };
  }
}
