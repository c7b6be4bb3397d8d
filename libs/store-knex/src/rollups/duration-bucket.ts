/** Powers of ten past which a duration (whole milliseconds, in a bigint) loses one more digit: up to 10^18 ms. */
const UNITS = Array.from({ length: 16 }, (_, power) => 10 ** power);

/**
 * `durationBucket` of `@tasker/core` (three significant digits, as the Redis store's rollups keep them) in SQL, the
 * same on PostgreSQL and SQLite, of an integer `duration` (it is repeated, so it should be a column or a cheap
 * difference). Integer division truncates, as `math.floor` does for the non-negative durations the engine records.
 */
export function durationBucketSql(duration: string): string {
  const expression = `(${duration})`;
  const cases = UNITS.map(
    (unit) =>
      `WHEN ${expression} < ${1_000 * unit} THEN ${unit === 1 ? expression : `${expression} / ${unit} * ${unit}`}`,
  );
  return `CASE ${cases.join(' ')} ELSE ${expression} END`;
}
