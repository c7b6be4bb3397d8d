/** Average and nearest-rank percentiles of a set of durations, in milliseconds; `null`s when there are none. */
export interface DurationStats {
  count: number;
  avg: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * The nearest-rank percentile of sorted values: the smallest value that at least `p` percent of the values are
 * less than or equal to. Always one of the values, so figures can be checked exactly.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * The statistics of `durations`.
 *
 * @example
 * durationStats([10, 20, 30, 40]); // { count: 4, avg: 25, p50: 20, p95: 40, p99: 40 }
 */
export function durationStats(durations: readonly number[]): DurationStats {
  const sorted = [...durations].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    avg: sorted.length === 0 ? null : total / sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

/** `part / whole`, or `null` when `whole` is 0 (no rate can be given). */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}
