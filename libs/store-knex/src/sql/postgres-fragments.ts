import { encodeValue, postgresType, quote, rowValues, type Column } from '../rows/column.js';
import type { RowUpdate } from './row-update.js';

/** A piece of SQL and the values of its `?` placeholders, in order. */
export interface Fragment {
  sql: string;
  bindings: unknown[];
}

/**
 * `unnest(CAST(? AS type[]), ...) AS v ("column", ...)`: rows as a table named `v`, bound as one array per column.
 * The statement's text is then the same for any number of rows, so Postgres parses and plans it once per
 * connection (see `runSql`), and a batch binds a handful of parameters instead of thousands.
 */
export function valuesTable(columns: readonly Column[], rows: readonly unknown[][]): Fragment {
  const names = columns.map(({ column }) => quote(column)).join(', ');
  const arrays = columns.map(({ kind }) => `CAST(? AS ${postgresType(kind)}[])`).join(', ');
  return {
    sql: `unnest(${arrays}) AS v (${names})`,
    bindings: columns.map((_, index) => rows.map((row) => row[index])),
  };
}

/**
 * `INSERT INTO table (...) SELECT ... FROM unnest(...) WHERE condition` for `records`: the insert runs only when
 * `condition` holds. Rows are inserted in the order given, so autoincrement ids keep that order.
 */
export function insertWhere(
  table: string,
  columns: readonly Column[],
  records: readonly object[],
  condition: string,
): Fragment {
  const values = valuesTable(
    columns,
    records.map((record) => rowValues(record, columns)),
  );
  const names = columns.map(({ column }) => quote(column)).join(', ');
  const selected = columns.map(({ column }) => `v.${quote(column)}`).join(', ');
  return {
    sql: `INSERT INTO ${quote(table)} (${names}) SELECT ${selected} FROM ${values.sql} WHERE ${condition}`,
    bindings: values.bindings,
  };
}

/**
 * `UPDATE table AS t SET ... FROM unnest(...) WHERE keys match AND condition` for updates that all change the
 * same columns (see `groupByChangedColumns`); keys must be unique within `group`.
 */
export function updateWhere(
  table: string,
  keyColumns: readonly Column[],
  group: readonly RowUpdate[],
  condition: string,
): Fragment {
  const changed = group[0]!.changes.map(([column]) => column);
  const values = valuesTable(
    [...keyColumns, ...changed],
    group.map(({ key, changes }) => [...key, ...changes.map(([column, value]) => encodeValue(column.kind, value))]),
  );
  const assignments = changed.map(({ column }) => `${quote(column)} = v.${quote(column)}`).join(', ');
  const match = keyColumns.map(({ column }) => `t.${quote(column)} = v.${quote(column)}`).join(' AND ');
  return {
    sql: `UPDATE ${quote(table)} AS t SET ${assignments} FROM ${values.sql} WHERE ${match} AND ${condition}`,
    bindings: values.bindings,
  };
}
