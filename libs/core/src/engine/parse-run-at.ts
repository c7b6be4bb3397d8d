import { InvalidRequestError } from '../errors/invalid-request-error.js';

/** An ISO 8601 date-time with a zone (`Z` or an offset), or a date alone: what `runAt` takes as a string. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/**
 * Reads a request's `runAt` (a `Date`, an ISO 8601 string or milliseconds since the epoch) as milliseconds since
 * the epoch. A string must name its zone: a local time would mean something else on every worker.
 * @throws InvalidRequestError naming `field` and what it takes.
 */
export function parseRunAt(value: unknown, field = 'runAt'): number {
  let at: number;
  if (value instanceof Date) at = value.getTime();
  else if (typeof value === 'number') at = Number.isInteger(value) && value >= 0 ? value : Number.NaN;
  else if (typeof value === 'string') at = ISO_DATE_TIME.test(value.trim()) ? Date.parse(value) : Number.NaN;
  else at = Number.NaN;
  if (!Number.isFinite(at)) {
    throw new InvalidRequestError(
      field,
      'must be a Date, an ISO 8601 date-time with its zone (2026-12-24T18:00:00Z) or whole milliseconds since the epoch',
    );
  }
  return at;
}
