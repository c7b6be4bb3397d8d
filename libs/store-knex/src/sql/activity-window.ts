import type { ActivityFilter } from '@tasker/core';
import { quote } from '../rows/column.js';

/** `column = ?` conditions of the filter fields that name a template. */
const TEMPLATE_FILTERS = [
  ['namespace', 'namespace'],
  ['name', 'name'],
  ['version', 'version'],
] as const;

/**
 * The condition on the tasks table, aliased `alias`, that selects the tasks of an activity filter (created in its
 * window, of its template), with its bindings.
 */
export function activityWindow(filter: ActivityFilter, alias = 't'): { where: string; bindings: unknown[] } {
  const conditions = [`${alias}."created_at" >= ?`, `${alias}."created_at" < ?`];
  const bindings: unknown[] = [filter.createdFrom, filter.createdTo];
  for (const [field, column] of TEMPLATE_FILTERS) {
    const value = filter[field];
    if (value === undefined) continue;
    conditions.push(`${alias}.${quote(column)} = ?`);
    bindings.push(value);
  }
  return { where: conditions.join(' AND '), bindings };
}
