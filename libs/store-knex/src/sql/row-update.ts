import type { Column } from '../rows/column.js';

/** One row to update: the values of its key columns and the columns to set, with their new field values. */
export interface RowUpdate {
  key: readonly unknown[];
  changes: ReadonlyArray<readonly [Column, unknown]>;
}

/**
 * The columns a patch sets, in the fixed order of `columns`, so that patches of the same fields share one
 * statement.
 */
export function changesOf(patch: object, columns: ReadonlyMap<string, Column>): Array<[Column, unknown]> {
  const changes: Array<[Column, unknown]> = [];
  for (const [field, column] of columns) {
    if (Object.hasOwn(patch, field)) changes.push([column, (patch as Record<string, unknown>)[field]]);
  }
  return changes;
}

/** `updates` grouped by the set of columns they change; updates that change nothing are left out. */
export function groupByChangedColumns(updates: readonly RowUpdate[]): RowUpdate[][] {
  const groups = new Map<string, RowUpdate[]>();
  for (const update of updates) {
    if (update.changes.length === 0) continue;
    const signature = update.changes.map(([column]) => column.column).join(',');
    const group = groups.get(signature);
    if (group) group.push(update);
    else groups.set(signature, [update]);
  }
  return [...groups.values()];
}
