import { describe, expect, it } from 'vitest';
import { itemCountsText } from './item-counts.js';

describe('itemCountsText', () => {
  it("says how many of a map step's items are in each state, leaving out empty states", () => {
    expect(itemCountsText({ total: 4, in_progress: 1, waiting_for_retry: 1, completed: 2, failed: 0 })).toBe(
      '1 in progress, 1 waiting for retry, 2 completed of 4 started',
    );
    expect(itemCountsText({ total: 0, in_progress: 0, waiting_for_retry: 0, completed: 0, failed: 0 })).toBe(
      'none started',
    );
  });
});
