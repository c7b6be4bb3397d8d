import type { ActivityFilter } from '@tasker/core';
import { quote } from '../rows/column.js';
import { MINUTE_MS, ROLLUP_SPANS } from './rollup-upserts.js';

/** `column = ?` conditions of the filter fields that name a template. */
const TEMPLATE_FILTERS = ['namespace', 'name', 'version'] as const;

/** The spans of minute rows and of hour rows. */
const [MINUTE_ROWS, HOUR] = ROLLUP_SPANS;

/**
 * The condition on a rollup table that selects the rows of an activity filter, with its bindings: the whole
 * minutes the window touches (the tasks of the minutes its ends fall in count whole, as on Redis), of its template.
 * On an `hourly` table, the rows of the whole hours inside them and the minute rows of the rest.
 */
export function rollupWindow(filter: ActivityFilter, hourly: boolean): { where: string; bindings: unknown[] } {
  const first = Math.floor(filter.createdFrom / MINUTE_MS);
  const end = Math.floor((filter.createdTo - 1) / MINUTE_MS) + 1;
  const hoursFrom = Math.ceil(first / HOUR) * HOUR;
  const hoursTo = Math.floor(end / HOUR) * HOUR;
  const spans = !hourly
    ? { sql: '"minute" >= ? AND "minute" < ?', bindings: [first, end] }
    : hoursFrom < hoursTo
      ? {
          sql:
            `(("span" = ${HOUR} AND "minute" >= ? AND "minute" < ?) OR ` +
            `("span" = ${MINUTE_ROWS} AND ("minute" >= ? AND "minute" < ? OR "minute" >= ? AND "minute" < ?)))`,
          bindings: [hoursFrom, hoursTo, first, hoursFrom, hoursTo, end],
        }
      : { sql: `"span" = ${MINUTE_ROWS} AND "minute" >= ? AND "minute" < ?`, bindings: [first, end] };
  const conditions = [spans.sql];
  const bindings: unknown[] = [...spans.bindings];
  for (const field of TEMPLATE_FILTERS) {
    const value = filter[field];
    if (value === undefined) continue;
    conditions.push(`${quote(field)} = ?`);
    bindings.push(value);
  }
  return { where: conditions.join(' AND '), bindings };
}
