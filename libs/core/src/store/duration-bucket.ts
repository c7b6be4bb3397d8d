/**
 * The bucket of a duration in the analytics histograms the stores keep at commit time (Redis's rollups, the SQL
 * stores' rollup tables): its three significant digits. Durations below 1,000 ms are their own bucket, so exact;
 * above, a bucket's lower bound is within 1% under every duration in it, and a percentile read from buckets is the
 * lower bound of the bucket the exact percentile falls in. The one definition both stores are tested against.
 */
export function durationBucket(durationMs: number): number {
  const whole = Math.floor(durationMs);
  let unit = 1;
  while (whole >= 1_000 * unit) unit *= 10;
  return Math.floor(whole / unit) * unit;
}
