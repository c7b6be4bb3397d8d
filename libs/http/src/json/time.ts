/** A time of the engine's clock (ms since the epoch) as the API shows it: ISO 8601 in UTC, `null` when unset. */
export function isoTime(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}
