import { MAX_PARAMETERS } from '../dialect.js';

/**
 * `items` cut, in order, into parts whose statements stay below the parameter limit, each item counting
 * `parametersOf(item)`: one part unless there are hundreds of items. An item above the limit alone gets a part of
 * its own, since an item is never split.
 */
export function partsByParameters<T>(items: readonly T[], parametersOf: (item: T) => number): T[][] {
  const parts: T[][] = [[]];
  let parameters = 0;
  for (const item of items) {
    const needed = parametersOf(item);
    if (parameters + needed > MAX_PARAMETERS && parts.at(-1)!.length > 0) {
      parts.push([]);
      parameters = 0;
    }
    parts.at(-1)!.push(item);
    parameters += needed;
  }
  return parts;
}
