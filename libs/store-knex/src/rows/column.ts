import type { Dialect } from '../dialect.js';

/**
 * How a record field is kept in a column: `text` and `int` as they are, `time` as bigint milliseconds (the
 * engine's clock values), `json` as jsonb on Postgres and text on SQLite.
 */
export type ColumnKind = 'text' | 'int' | 'time' | 'json';

/** One field of a record and the column that holds it. */
export interface Column {
  field: string;
  column: string;
  kind: ColumnKind;
}

/** A double-quoted SQL identifier; every name this store uses is a constant or a validated table prefix. */
export const quote = (name: string): string => `"${name}"`;

/**
 * The value bound for a field. `undefined` is SQL NULL, so a cleared field reads back absent; a JSON `null` is the
 * JSON text `null`, so it reads back as `null`.
 */
export function encodeValue(kind: ColumnKind, value: unknown): unknown {
  if (kind === 'json') return value === undefined ? null : JSON.stringify(value);
  if (value === undefined || value === null) return null;
  // A fractional time would be refused by a bigint column and fail its batch on every retry: round it instead.
  if (kind === 'time' && typeof value === 'number' && !Number.isInteger(value)) return Math.round(value);
  return value;
}

/** The field value of a column value; `undefined` for SQL NULL. node-pg returns bigint columns as strings. */
export function decodeValue(kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (kind === 'json') return JSON.parse(value as string);
  if (kind === 'time' || kind === 'int') return Number(value);
  return value;
}

/** The SQL type a Postgres parameter of `kind` is cast to where Postgres cannot infer it (a `VALUES` list). */
const POSTGRES_TYPES: Record<ColumnKind, string> = { text: 'text', int: 'integer', time: 'bigint', json: 'jsonb' };

/** The Postgres type of a column of `kind`. */
export function postgresType(kind: ColumnKind): string {
  return POSTGRES_TYPES[kind];
}

/** `expression` cast to the column's type on Postgres; SQLite converts by column affinity and needs no cast. */
export function castTo(dialect: Dialect, kind: ColumnKind, expression: string): string {
  return dialect === 'postgres' ? `CAST(${expression} AS ${POSTGRES_TYPES[kind]})` : expression;
}

/**
 * The select list for `columns`. Postgres returns JSON columns as text, exactly as SQLite does, so that a stored
 * JSON `null` (a step that returned `null`) stays distinct from SQL NULL (no result).
 */
export function selectList(dialect: Dialect, columns: readonly Column[]): string {
  return columns
    .map(({ column, kind }) =>
      dialect === 'postgres' && kind === 'json' ? `${quote(column)}::text AS ${quote(column)}` : quote(column),
    )
    .join(', ');
}

/** The values of `record` in the order of `columns`, encoded for binding. */
export function rowValues(record: object, columns: readonly Column[]): unknown[] {
  return columns.map(({ field, kind }) => encodeValue(kind, (record as Record<string, unknown>)[field]));
}

/** A record from a selected row: every column decoded, SQL NULL left out so optional fields are absent. */
export function fromRow<T>(row: Record<string, unknown>, columns: readonly Column[]): T {
  const record: Record<string, unknown> = {};
  for (const { field, column, kind } of columns) {
    const value = decodeValue(kind, row[column]);
    if (value !== undefined) record[field] = value;
  }
  return record as T;
}
