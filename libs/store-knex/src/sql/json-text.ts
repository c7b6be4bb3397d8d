import type { Dialect } from '../dialect.js';

/** A field of a JSON column, as text. */
export function jsonText(dialect: Dialect, column: string, field: string): string {
  return dialect === 'postgres' ? `${column}->>'${field}'` : `json_extract(${column}, '$.${field}')`;
}
