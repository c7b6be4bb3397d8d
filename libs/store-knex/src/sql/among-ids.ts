import type { Dialect } from '../dialect.js';
import { quote } from '../rows/column.js';

/**
 * `column` is one of a list of ids bound as a single parameter: a text array on Postgres, a JSON array on SQLite.
 * The statement's text is then the same for any number of ids (prepared once per connection), and a claim of a
 * thousand tasks stays one short statement per table.
 */
export function amongIds(dialect: Dialect, column: string): string {
  return dialect === 'postgres'
    ? `${quote(column)} = ANY(CAST(? AS text[]))`
    : `${quote(column)} IN (SELECT "value" FROM json_each(?))`;
}

/** The value to bind for {@link amongIds}'s parameter. */
export function idsParameter(dialect: Dialect, ids: readonly string[]): unknown {
  return dialect === 'postgres' ? [...ids] : JSON.stringify(ids);
}
