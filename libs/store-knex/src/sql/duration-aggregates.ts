import type { DurationFigures } from '@tasker/core';
import type { Row } from './run-sql.js';

/** The percentiles of {@link DurationFigures}, by the column that carries each. */
const PERCENTILES = [
  ['p50', 50],
  ['p95', 95],
  ['p99', 99],
] as const;

/** A grouped aggregate over the buckets of duration histograms. */
export interface HistogramAggregate {
  /**
   * A subquery yielding the `groups` columns and, per histogram bucket, `d` (the bucket's lower bound), `c` (how
   * many durations it holds) and `s` (their exact sum); several rows of one group and bucket add up.
   */
  source: string;
  /** Column names of `source` to group by (none: one row over everything). */
  groups: readonly string[];
}

/**
 * A statement selecting, per group of `source`, its `groups` and the figures of its histogram: `n` (count), `total`
 * (the exact sum) and nearest-rank `p50`, `p95`, `p99`. The same SQL on PostgreSQL and SQLite.
 *
 * Buckets are first added up per group (`GROUP BY ..., d`: the same bucket comes from many minutes); a window sum
 * then gives each bucket the number of durations up to it (`upto`), and the `p`th percentile is the smallest bucket
 * with `100 × upto ≥ p × n`: the bucket of the nearest-rank percentile (`ceil(p × n / 100)`-th duration, PostgreSQL's
 * `percentile_disc`), in integer arithmetic, as the Redis store reads its histograms. Only the distinct buckets of a
 * group are sorted: three significant digits make a few thousand at most.
 */
export function histogramAggregateSql({ source, groups }: HistogramAggregate): string {
  const list = groups.map((column) => `${column}, `).join('');
  const partition = groups.length === 0 ? '' : `PARTITION BY ${groups.join(', ')} `;
  const counted = `SELECT ${list}d, sum(c) AS c, sum(s) AS s FROM (${source}) AS src GROUP BY ${list}d`;
  const ranked =
    `SELECT *, sum(c) OVER (${partition}ORDER BY d ROWS UNBOUNDED PRECEDING) AS upto, ` +
    `sum(c) OVER (${partition}) AS dn FROM counted WHERE c > 0`;
  const selected = [
    ...groups,
    'sum(c) AS n',
    'sum(s) AS total',
    ...PERCENTILES.map(([name, p]) => `min(CASE WHEN 100 * upto >= ${p} * dn THEN d END) AS ${name}`),
  ];
  const groupBy = groups.length === 0 ? '' : ` GROUP BY ${groups.join(', ')}`;
  return `WITH counted AS (${counted}) SELECT ${selected.join(', ')} FROM (${ranked}) AS ranked${groupBy}`;
}

/** A number from a driver's value: PostgreSQL returns bigint and numeric as strings. */
export function numberOf(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** The {@link DurationFigures} of a row of {@link histogramAggregateSql}; none when `row` is absent. */
export function durationFiguresOf(row: Row | undefined): DurationFigures {
  const count = numberOf(row?.n) ?? 0;
  return {
    count,
    avg: count === 0 ? null : numberOf(row!.total)! / count,
    p50: count === 0 ? null : numberOf(row!.p50),
    p95: count === 0 ? null : numberOf(row!.p95),
    p99: count === 0 ? null : numberOf(row!.p99),
  };
}
