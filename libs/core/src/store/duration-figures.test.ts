import { describe, expect, it } from 'vitest';
import { durationFigures, percentile } from './duration-figures.js';

describe('duration figures', () => {
  it('takes nearest-rank percentiles: always one of the values', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect([percentile(values, 50), percentile(values, 95), percentile(values, 99), percentile(values, 100)]).toEqual([
      50, 95, 99, 100,
    ]);
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('sorts before ranking and averages exactly', () => {
    expect(durationFigures([40, 10, 30, 20])).toEqual({ count: 4, avg: 25, p50: 20, p95: 40, p99: 40 });
    expect(durationFigures([])).toEqual({ count: 0, avg: null, p50: null, p95: null, p99: null });
  });
});
