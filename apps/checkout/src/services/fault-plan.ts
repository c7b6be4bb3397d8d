import { createHash } from 'node:crypto';

/** Where in a call a transient fault strikes: before the service does its work, or after (the answer is lost). */
export type FaultPoint = 'before' | 'after';

/** How {@link FaultPlan} draws faults. */
export interface FaultPlanOptions {
  /** The share of requests (idempotency keys) of each service that meet a transient fault, 0 to 1. */
  rate: number;
  /** The most failures in a row of one faulty request; each faulty request fails 1 to this many times. */
  maxRepeats: number;
}

/**
 * Decides which requests to the simulated services fail transiently. Whether a request is faulty, and how many times
 * in a row it fails (1 to `maxRepeats`), is drawn from a hash of its service and key with a seed of the plan, so a
 * request that is not faulty costs no memory. Each failure strikes before or after the service's work; then the
 * request succeeds. Bounding the repeats below every step's retry budget is what "transient" means here: a retried
 * step always gets through, so only permanent failures fail a checkout.
 */
export class FaultPlan {
  readonly #rate: number;
  readonly #maxRepeats: number;
  readonly #seed = Math.random().toString(36);
  /** Failures still to come per faulty `service:key` (0 once spent, so that the key is not drawn again). */
  readonly #remaining = new Map<string, number>();

  constructor(options: FaultPlanOptions) {
    this.#rate = options.rate;
    this.#maxRepeats = options.maxRepeats;
  }

  /** The fault of this call of `service` for request `key`, or `undefined` when it goes through. */
  next(service: string, key: string): FaultPoint | undefined {
    if (this.#rate === 0 || this.#maxRepeats === 0) return undefined;
    const id = `${service}:${key}`;
    let left = this.#remaining.get(id);
    if (left === undefined) {
      const [faulty, repeats] = this.#draw(id);
      if (faulty >= this.#rate) return undefined;
      left = 1 + Math.floor(repeats * this.#maxRepeats);
    }
    if (left === 0) return undefined;
    this.#remaining.set(id, left - 1);
    return Math.random() < 0.5 ? 'before' : 'after';
  }

  /** Two numbers in [0, 1) that depend only on the seed and `id`. */
  #draw(id: string): [number, number] {
    const digest = createHash('sha256').update(this.#seed).update(id).digest();
    return [digest.readUInt32BE(0) / 2 ** 32, digest.readUInt32BE(4) / 2 ** 32];
  }
}
