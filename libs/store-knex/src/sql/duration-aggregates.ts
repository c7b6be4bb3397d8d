import type { DurationFigures } from '@tasker/core';
import type { Row } from './run-sql.js';

/** The percentiles of {@link DurationFigures}, by the column that carries each. */
const PERCENTILES = [
  ['p50', 50],
  ['p95', 95],
  ['p99', 99],
] as const;

/** One more figure per group: `expression` over the rows of a (group, duration), then combined by `combine`. */
export interface GroupFigure {
  name: string;
  /** An aggregate over `source`'s columns, e.g. `count(*) FILTER (WHERE attempts > 0)`. */
  expression: string;
  /** How the figures of one group's durations add up: `sum` for counts and sums, `max` for a greatest value. */
  combine: 'sum' | 'max';
}

/** A grouped aggregate over a row source: what to group by and what else to compute per group. */
export interface DurationAggregate {
  /** A subquery yielding the `groups` columns, a nullable duration column `d` (whole milliseconds) and what `figures` read. */
  source: string;
  /** Column names of `source` to group by (none: one row over everything). */
  groups: readonly string[];
  figures?: readonly GroupFigure[];
}

/**
 * A statement selecting, per group of `source`, its `groups` and `figures` columns and the duration figures of its
 * non-null `d`s: `n` (count), `total` (sum) and nearest-rank `p50`, `p95`, `p99`. The same SQL on PostgreSQL and
 * SQLite.
 *
 * Rows are first counted per group and duration (`GROUP BY ..., d`: a hash aggregate, one pass, no sort of the
 * rows); a window sum then gives each duration the number of durations up to it (`upto`), and the `p`th
 * percentile is the smallest duration with `100 × upto ≥ p × n`: the nearest-rank percentile (`ceil(p × n / 100)`-th
 * value, PostgreSQL's `percentile_disc`), in integer arithmetic, so exact. The counting is a `MATERIALIZED` CTE so
 * that PostgreSQL hashes it rather than sorting every row to hand the window its order: only the distinct durations
 * of a group are sorted, not its rows: millisecond durations repeat, so a million rows make a few thousand. (Plain
 * `percentile_disc ... WITHIN GROUP` sorts every row of every group, which spilled to disk at a million steps;
 * SQLite has no ordered-set aggregate at all.)
 */
export function durationAggregateSql({ source, groups, figures = [] }: DurationAggregate): string {
  const list = (columns: readonly string[]) => columns.map((column) => `${column}, `).join('');
  const partition = groups.length === 0 ? '' : `PARTITION BY ${groups.join(', ')} `;
  const counted =
    `SELECT ${list(groups)}d, count(*) AS c${figures.map(({ name, expression }) => `, ${expression} AS ${name}`).join('')} ` +
    `FROM (${source}) AS src GROUP BY ${list(groups)}d`;
  const ranked =
    `SELECT *, sum(c) OVER (${partition}ORDER BY d NULLS LAST ROWS UNBOUNDED PRECEDING) AS upto, ` +
    `sum(CASE WHEN d IS NOT NULL THEN c END) OVER (${partition}) AS dn FROM counted`;
  const selected = [
    ...groups,
    ...figures.map(({ name, combine }) => `${combine}(${name}) AS ${name}`),
    'sum(CASE WHEN d IS NOT NULL THEN c END) AS n',
    'sum(d * c) AS total',
    ...PERCENTILES.map(([name, p]) => `min(CASE WHEN 100 * upto >= ${p} * dn THEN d END) AS ${name}`),
  ];
  const groupBy = groups.length === 0 ? '' : ` GROUP BY ${groups.join(', ')}`;
  return `WITH counted AS MATERIALIZED (${counted}) SELECT ${selected.join(', ')} FROM (${ranked}) AS ranked${groupBy}`;
}

/** A number from a driver's value: PostgreSQL returns bigint and numeric as strings. */
export function numberOf(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** The {@link DurationFigures} of a row of {@link durationAggregateSql}. */
export function durationFiguresOf(row: Row): DurationFigures {
  const count = numberOf(row.n) ?? 0;
  return {
    count,
    avg: count === 0 ? null : numberOf(row.total)! / count,
    p50: numberOf(row.p50),
    p95: numberOf(row.p95),
    p99: numberOf(row.p99),
  };
}
