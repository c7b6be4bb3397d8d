import { InvalidRequestError } from '../errors/invalid-request-error.js';

/** A length of time: ms as a number, or a string of a whole number and a unit: `'500ms'`, `'45s'`, `'30m'`, `'12h'`, `'7d'`. */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_PATTERN = /^(\d+)(ms|s|m|h|d)$/;

/**
 * The milliseconds `duration` stands for: a positive whole number of a unit; its own small parser because core has
 * no dependencies but XState.
 * @throws InvalidRequestError naming `field` for anything else (a unit it does not know, a fraction, zero, a sign).
 */
export function durationMs(field: string, duration: Duration): number {
  if (typeof duration === 'number') {
    if (Number.isSafeInteger(duration) && duration > 0) return duration;
    throw new InvalidRequestError(field, `must be a positive whole number of ms, got ${String(duration)}`);
  }
  const match = typeof duration === 'string' ? DURATION_PATTERN.exec(duration.trim()) : null;
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!]! : 0;
  if (!(ms > 0) || !Number.isSafeInteger(ms)) {
    throw new InvalidRequestError(
      field,
      `must be a duration like '7d', '12h', '30m', '45s', '500ms' or a number of ms, got ${JSON.stringify(duration)}`,
    );
  }
  return ms;
}
