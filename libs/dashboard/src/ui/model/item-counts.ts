import type { ItemCounts } from '../api/types.js';

/** A map step's items for the step drawer: `2 completed, 1 failed of 3 started`, states no item is in left out. */
export function itemCountsText(items: ItemCounts): string {
  const { total, ...byState } = items;
  const counts = Object.entries(byState)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state.replaceAll('_', ' ')}`);
  return total === 0 ? 'none started' : `${counts.join(', ')} of ${total} started`;
}
