import type { BackoffPolicy, StepSettings } from '../domain/template.js';
import { PermanentError } from '../errors/permanent-error.js';
import { RetryableError } from '../errors/retryable-error.js';

/**
 * The delay before retry number `retry` (1 for the first): `min(maxMs, baseMs * factor^(retry-1))`, then shortened
 * by a random part of at most `jitter` of itself. `random` returns a number in [0, 1).
 */
export function backoffDelay(policy: BackoffPolicy, retry: number, random: () => number): number {
  const exact = Math.min(policy.maxMs, policy.baseMs * policy.factor ** (retry - 1));
  return Math.round(exact * (1 - policy.jitter * random()));
}

/** What the engine knows when an attempt fails. */
export interface FailedAttempt {
  settings: StepSettings;
  /** Attempts made in the current budget, this one included. */
  attemptsInBudget: number;
  thrown: unknown;
  now: number;
  random: () => number;
}

/**
 * When to retry a failed attempt, or `undefined` when the step fails: a `PermanentError`, a step that is not
 * retryable, or a spent budget (`retryLimit` retries after the first attempt). A `RetryableError` with
 * `retryAfterMs` sets the delay itself, up to the backoff's cap.
 */
export function planRetry({ settings, attemptsInBudget, thrown, now, random }: FailedAttempt): number | undefined {
  if (thrown instanceof PermanentError || !settings.retryable) return undefined;
  if (attemptsInBudget > settings.retryLimit) return undefined;
  const requested = thrown instanceof RetryableError ? thrown.retryAfterMs : undefined;
  const delay =
    requested === undefined
      ? backoffDelay(settings.backoff, attemptsInBudget, random)
      : Math.min(requested, settings.backoff.maxMs);
  return now + delay;
}
