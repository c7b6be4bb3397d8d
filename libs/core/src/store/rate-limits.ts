/** A request for one token of a rate-limited key's bucket (see {@link RateLimits.takeToken}). */
export interface TokenRequest {
  /** The bucket: a step's rate-limit key with its value resolved. */
  key: string;
  /** Tokens per period, and the bucket's size: a full bucket lets `limit` calls through at once. */
  limit: number;
  /** The period over which `limit` tokens come back, in milliseconds. */
  periodMs: number;
  /** The asking engine's time. */
  now: number;
}

/** What {@link RateLimits.takeToken} answered: a token taken, or none left until `retryAt`, when the next comes. */
export type TokenGrant = { granted: true } | { granted: false; retryAt: number };

/**
 * Rate limits: token buckets shared by every worker of a store (a step's `rateLimit: { key, limit, periodMs }`). A
 * bucket starts full with `limit` tokens and refills continuously, `limit` tokens per `periodMs`, never above
 * `limit`; each call takes one.
 *
 * Promises:
 * - The refill, the check and the take are one atomic statement or script, so concurrent workers never take more
 *   tokens than came: over any window of `periodMs`, at most `2 × limit` calls are granted (a full bucket and its
 *   refill), and at most `limit` per period in the long run.
 * - A refusal says when the next token comes, so the asker sleeps until then instead of polling.
 */
export interface RateLimits {
  /** Takes one token of `request.key`'s bucket when one is left. */
  takeToken(request: TokenRequest): Promise<TokenGrant>;
}

/**
 * A bucket as the stores keep it, in whole numbers so that every store computes the same: `credit` counts tokens in
 * units of `1 / periodMs` of a token (one token is `periodMs` units, a full bucket `limit × periodMs`), so a
 * millisecond refills exactly `limit` units.
 */
export interface TokenBucket {
  credit: number;
  refilledAt: number;
}

/**
 * The token bucket rule every store applies in its own statement or script, kept here for the memory store and
 * as the reference: the bucket refilled up to `now` (a new bucket is full).
 */
export function refillTokens(bucket: TokenBucket | undefined, request: TokenRequest): TokenBucket {
  const full = request.limit * request.periodMs;
  if (bucket === undefined) return { credit: full, refilledAt: request.now };
  const elapsed = Math.max(0, request.now - bucket.refilledAt);
  return { credit: Math.min(full, bucket.credit + elapsed * request.limit), refilledAt: bucket.refilledAt + elapsed };
}

/** When a bucket refilled to `bucket` (less than a token in it) has a whole token again. */
export function nextTokenAt(bucket: TokenBucket, request: TokenRequest): number {
  return bucket.refilledAt + Math.ceil((request.periodMs - bucket.credit) / request.limit);
}
