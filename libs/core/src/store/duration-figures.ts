import type { DurationFigures } from './task-analytics.js';

/**
 * The nearest-rank percentile of sorted values: the smallest value that at least `p` percent of the values are
 * less than or equal to (PostgreSQL's `percentile_disc(p / 100)`). Always one of the values, so figures can be
 * checked exactly.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * The figures of `durations`.
 *
 * @example
 * durationFigures([10, 20, 30, 40]); // { count: 4, avg: 25, p50: 20, p95: 40, p99: 40 }
 */
export function durationFigures(durations: readonly number[]): DurationFigures {
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
