import type { ActivityFilter } from '@tasker/core';
import { quote } from '../rows/column.js';
import { MINUTE_MS } from './rollup-upserts.js';

/** `column = ?` conditions of the filter fields that name a template. */
const TEMPLATE_FILTERS = ['namespace', 'name', 'version'] as const;

/**
 * The condition on a rollup table that selects the rows of an activity filter, with its bindings: the whole
 * minutes the window touches (the tasks of the minutes its ends fall in count whole, as on Redis), of its template.
 */
export function rollupWindow(filter: ActivityFilter): { where: string; bindings: unknown[] } {
  const conditions = ['"minute" >= ?', '"minute" <= ?'];
  const bindings: unknown[] = [Math.floor(filter.createdFrom / MINUTE_MS), Math.floor((filter.createdTo - 1) / MINUTE_MS)];
  for (const field of TEMPLATE_FILTERS) {
    const value = filter[field];
    if (value === undefined) continue;
    conditions.push(`${quote(field)} = ?`);
    bindings.push(value);
  }
  return { where: conditions.join(' AND '), bindings };
}
