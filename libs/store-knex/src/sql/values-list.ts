import { MAX_PARAMETERS } from '../dialect.js';

/** `(?, ?), (?, ?)`: placeholders for `rowCount` rows of `columnCount` values. */
export function valuesList(rowCount: number, columnCount: number): string {
  const row = `(${Array.from({ length: columnCount }, () => '?').join(', ')})`;
  return Array.from({ length: rowCount }, () => row).join(', ');
}

/**
 * `rows` cut into chunks whose parameters fit in one statement. A group-commit batch fits in one chunk unless it
 * holds thousands of rows.
 */
export function inChunks<T>(rows: readonly T[], columnCount: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / columnCount));
  const chunks: T[][] = [];
  for (let start = 0; start < rows.length; start += size) chunks.push(rows.slice(start, start + size));
  return chunks;
}
