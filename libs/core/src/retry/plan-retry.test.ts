import { describe, expect, it } from 'vitest';
import { PermanentError } from '../errors/permanent-error.js';
import { RetryableError } from '../errors/retryable-error.js';
import { backoffDelay, planRetry } from './plan-retry.js';

const policy = { baseMs: 100, factor: 3, maxMs: 5_000, jitter: 0.25 };
const settings = { retryable: true, retryLimit: 3, backoff: policy };

describe('backoff', () => {
  it('grows by the factor and stops at the cap', () => {
    const exact = { ...policy, jitter: 0 };
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelay(exact, retry, Math.random))).toEqual([
      100, 300, 900, 2_700, 5_000,
    ]);
  });

  it('keeps every jittered delay between (1 - jitter) and 1 times the exact delay', () => {
    for (let sample = 0; sample < 1_000; sample++) {
      const delay = backoffDelay(policy, 3, Math.random);
      expect(delay).toBeGreaterThanOrEqual(900 * 0.75);
      expect(delay).toBeLessThanOrEqual(900);
    }
  });
});

describe('planRetry', () => {
  const at = (attemptsInBudget: number, thrown: unknown, overrides = {}) =>
    planRetry({ settings: { ...settings, ...overrides }, attemptsInBudget, thrown, now: 10_000, random: () => 0 });

  it('retries while attempts in the budget do not exceed retryLimit', () => {
    expect(at(1, new Error('x'))).toBe(10_100);
    expect(at(3, new Error('x'))).toBe(10_900);
    expect(at(4, new Error('x'))).toBeUndefined();
  });

  it('never retries a PermanentError or a step that is not retryable', () => {
    expect(at(1, new PermanentError('no'))).toBeUndefined();
    expect(at(1, new Error('x'), { retryable: false })).toBeUndefined();
  });

  it("uses a RetryableError's retryAfterMs instead of the backoff, capped", () => {
    expect(at(1, new RetryableError('slow down', { retryAfterMs: 1_234 }))).toBe(11_234);
    expect(at(1, new RetryableError('slow down', { retryAfterMs: 60_000 }))).toBe(15_000);
  });
});
