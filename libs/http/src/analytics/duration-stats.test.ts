import { describe, expect, it } from 'vitest';
import { durationStats, percentile, ratio } from './duration-stats.js';

describe('duration statistics', () => {
  it('takes nearest-rank percentiles: always one of the values', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect([percentile(values, 50), percentile(values, 95), percentile(values, 99), percentile(values, 100)]).toEqual([
      50, 95, 99, 100,
    ]);
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('sorts before ranking and averages exactly', () => {
    expect(durationStats([40, 10, 30, 20])).toEqual({ count: 4, avg: 25, p50: 20, p95: 40, p99: 40 });
    expect(durationStats([])).toEqual({ count: 0, avg: null, p50: null, p95: null, p99: null });
  });

  it('gives no rate over nothing', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(0, 0)).toBeNull();
  });
});
