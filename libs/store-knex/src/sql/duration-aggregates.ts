import type { DurationFigures } from '@tasker/core';
import type { Dialect } from '../dialect.js';
import type { Row } from './run-sql.js';

/** The percentiles of {@link DurationFigures}, by the column that carries each. */
const PERCENTILES = [
  ['p50', 50],
  ['p95', 95],
  ['p99', 99],
] as const;

/** A grouped aggregate over a row source: what to group by and what else to compute per group. */
export interface DurationAggregate {
  /** A subquery yielding the `groups` columns, a nullable duration column `d` and what `aggregates` read. */
  source: string;
  /** Column names of `source` to group by (none: one row over everything). */
  groups: readonly string[];
  /** More aggregate expressions over `source`'s columns, each `expression AS name`. */
  aggregates?: readonly string[];
}

/**
 * A statement selecting, per group of `source`, its `groups` and `aggregates` columns and the duration figures of
 * its non-null `d`s: `n` (count), `total` (sum) and nearest-rank `p50`, `p95`, `p99`.
 *
 * PostgreSQL ranks with `percentile_disc ... WITHIN GROUP (ORDER BY d)`, which is the nearest-rank percentile
 * (`ceil(p × n)`-th value) and ignores nulls. SQLite has no ordered-set aggregate: each row is numbered within its
 * group by a window function (`row_number()` ordered by `d`, nulls last) and the row whose number is
 * `ceil(p × n / 100)` (integer arithmetic, so exact) is picked by a `CASE` inside `max()`; one sort per group, as
 * PostgreSQL does.
 */
export function durationAggregateSql(dialect: Dialect, { source, groups, aggregates = [] }: DurationAggregate): string {
  const groupBy = groups.length === 0 ? '' : ` GROUP BY ${groups.join(', ')}`;
  const leading = [...groups, ...aggregates, 'count(d) AS n', 'sum(d) AS total'];
  if (dialect === 'postgres') {
    const ranks = PERCENTILES.map(([name, p]) => `percentile_disc(${p / 100}) WITHIN GROUP (ORDER BY d) AS ${name}`);
    return `SELECT ${[...leading, ...ranks].join(', ')} FROM (${source}) AS src${groupBy}`;
  }
  const partition = groups.length === 0 ? '' : `PARTITION BY ${groups.join(', ')} `;
  const ranks = PERCENTILES.map(
    ([name, p]) => `max(CASE WHEN d IS NOT NULL AND rn = (dn * ${p} + 99) / 100 THEN d END) AS ${name}`,
  );
  const numbered =
    `SELECT *, row_number() OVER (${partition}ORDER BY d NULLS LAST) AS rn, count(d) OVER (${partition}) AS dn ` +
    `FROM (${source})`;
  return `SELECT ${[...leading, ...ranks].join(', ')} FROM (${numbered})${groupBy}`;
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
