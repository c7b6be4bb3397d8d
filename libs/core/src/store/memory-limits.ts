import type { ConcurrencyLimits, HeldSlot, SlotGrant, SlotRequest } from './concurrency-limits.js';
import {
  nextTokenAt,
  refillTokens,
  type RateLimits,
  type TokenBucket,
  type TokenGrant,
  type TokenRequest,
} from './rate-limits.js';

/** The memory store's concurrency keys and rate limits: a map of holders per key, a bucket per key. */
export class MemoryLimits implements ConcurrencyLimits, RateLimits {
  /** Per key, each holder's lease end. */
  readonly #slots = new Map<string, Map<string, number>>();
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #announce: () => void;

  /** `announce` tells the store's work watchers that a slot freed. */
  constructor(announce: () => void) {
    this.#announce = announce;
  }

  async acquireSlot(request: SlotRequest): Promise<SlotGrant> {
    const holders = this.#slots.get(request.key) ?? new Map<string, number>();
    this.#slots.set(request.key, holders);
    for (const [holder, until] of holders) if (until <= request.now) holders.delete(holder);
    if (holders.has(request.holder) || holders.size < request.limit) {
      holders.set(request.holder, Math.max(request.until, holders.get(request.holder) ?? 0));
      return { acquired: true };
    }
    return { acquired: false, retryAt: Math.min(...holders.values()) };
  }

  async renewSlots(slots: HeldSlot[], until: number): Promise<void> {
    for (const { key, holder } of slots) {
      const holders = this.#slots.get(key);
      if (holders?.has(holder)) holders.set(holder, Math.max(until, holders.get(holder)!));
    }
  }

  async releaseSlot({ key, holder }: HeldSlot): Promise<void> {
    const holders = this.#slots.get(key);
    if (!holders?.delete(holder)) return;
    if (holders.size === 0) this.#slots.delete(key);
    this.#announce();
  }

  async takeToken(request: TokenRequest): Promise<TokenGrant> {
    const bucket = refillTokens(this.#buckets.get(request.key), request);
    if (bucket.credit < request.periodMs) {
      this.#buckets.set(request.key, bucket);
      return { granted: false, retryAt: nextTokenAt(bucket, request) };
    }
    this.#buckets.set(request.key, { credit: bucket.credit - request.periodMs, refilledAt: bucket.refilledAt });
    return { granted: true };
  }
}
