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
  /** The merchant paid: the processor counts each merchant's charges in flight. */
  merchantId: string;
}

/** A request to refund the charge made with `chargeKey`. */
export interface RefundRequest extends ServiceCall {
  /** The idempotency key the charge was made with. */
  chargeKey: string;
}

const SERVICE = 'payment processor';

/** A processor's id of `prefix` (`pi` a charge, `pv` a void, `re` a refund). */
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
    return this.#simulation.paymentsInFlight.around(request.merchantId, () =>
      this.#simulation.run(SERVICE, request, async () => {
        const earlier = await this.#find(request.idempotencyKey);
        if (earlier) return chargeOrRefusal(earlier);
        this.#refuseByToken(request);
        const charge = chargeOrRefusal(await this.#record(request));
        this.#refusals.delete(request.idempotencyKey);
        if (request.token === 'tok_timeout') {
          await sleep(this.#simulation.config.slowResponseMs, undefined, { signal: request.signal });
        }
        return charge;
      }),
    );
  }

  /**
   * Refunds the whole charge made with `request.chargeKey`, once: a refund retried under its own key or raced
   * under another finds the first (a charge has at most one refund). When no charge was made with that key, the key
   * is voided instead: a charge still on its way (an aborted attempt's) is then refused, never left unrefunded.
   * @returns the refund, or undefined when no charge was made with that key (nothing to give back).
   */
  refund(request: RefundRequest): Promise<Refund | undefined> {
    return this.#simulation.run(SERVICE, request, async () => {
      // The void and a late charge share the key's unique index: whichever is written first stands.
      const charge = (await this.#find(request.chargeKey)) ?? (await this.#void(request));
      if (charge.voided) return undefined;
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

  #void(request: RefundRequest): Promise<RecordedCharge> {
    const now = Date.now();
    return this.#insertOnce({
      id: processorId('pv'),
      idempotency_key: request.chargeKey,
      reference: request.reference,
      token: 'void',
      amount_cents: 0,
      created_at: now,
      voided_at: now,
    });
  }

  #record(request: ChargeRequest): Promise<RecordedCharge> {
    return this.#insertOnce({
      id: processorId('pi'),
      idempotency_key: request.idempotencyKey,
      reference: request.reference,
      token: request.token,
      amount_cents: request.amountCents,
      created_at: Date.now(),
    });
  }

  /** Writes a `payments` row unless its idempotency key has one, and answers the row that stands. */
  async #insertOnce(row: { idempotency_key: string } & Record<string, unknown>): Promise<RecordedCharge> {
    await this.#db('payments').insert(row).onConflict('idempotency_key').ignore();
    return this.#found(row.idempotency_key);
  }

  /** The row just written under `idempotencyKey` (by this call or a racing one). */
  async #found(idempotencyKey: string): Promise<RecordedCharge> {
    const row = await this.#find(idempotencyKey);
    if (!row) throw new Error(`the payment row of ${idempotencyKey} vanished after it was written`);
    return row;
  }

  async #find(idempotencyKey: string): Promise<RecordedCharge | undefined> {
    const row = await this.#db('payments')
      .where({ idempotency_key: idempotencyKey })
      .first('id', 'amount_cents', 'voided_at');
    return row && { id: row.id as string, amountCents: Number(row.amount_cents), voided: row.voided_at !== null };
  }
}

/** A row of `payments`: a charge, or the void a refund wrote for a key never charged. */
interface RecordedCharge extends Charge {
  voided: boolean;
}

/** The charge a row records. @throws ServiceError (permanent) for a voided key. */
function chargeOrRefusal(row: RecordedCharge): Charge {
  if (row.voided) {
    throw new ServiceError(SERVICE, 'charge refused: this payment was voided when its checkout was compensated', {
      transient: false,
    });
  }
  return { id: row.id, amountCents: row.amountCents };
}
