import type { Knex } from 'knex';
import type { Dialect } from '../dialect.js';
import { castTo, encodeValue, quote, type Column } from '../rows/column.js';
import { runSql, type Row } from './run-sql.js';
import { groupByChangedColumns, type RowUpdate } from './row-update.js';
import { inChunks, valuesList } from './values-list.js';

/**
 * Updates many rows with one statement per set of changed columns (on SQLite; Postgres folds the whole batch into
 * one statement, see `commitOnPostgres`):
 * `WITH v(keys..., columns...) AS (VALUES ...) UPDATE table SET column = v.column FROM v WHERE keys match`.
 * Both Postgres and SQLite (3.33 and later) run this form; Postgres reads `VALUES` parameters as text, hence the
 * casts. Keys must be unique within `updates`. Returns the key columns of the rows that were found.
 */
export async function updateRows(
  db: Knex.Transaction,
  dialect: Dialect,
  table: string,
  keyColumns: readonly Column[],
  updates: readonly RowUpdate[],
): Promise<Row[]> {
  const found: Row[] = [];
  for (const group of groupByChangedColumns(updates)) {
    const changed = group[0]!.changes.map(([column]) => column);
    const columnCount = keyColumns.length + changed.length;
    const names = [...keyColumns, ...changed].map(({ column }) => quote(column)).join(', ');
    const assignments = changed
      .map(({ column, kind }) => `${quote(column)} = ${castTo(dialect, kind, `v.${quote(column)}`)}`)
      .join(', ');
    const match = keyColumns.map(({ column }) => `t.${quote(column)} = v.${quote(column)}`).join(' AND ');
    // Postgres would find the key columns of v ambiguous; SQLite lets RETURNING name only the updated table.
    const returning = keyColumns
      .map(({ column }) => (dialect === 'postgres' ? `t.${quote(column)}` : quote(column)))
      .join(', ');
    for (const chunk of inChunks(group, columnCount)) {
      const sql =
        `WITH v (${names}) AS (VALUES ${valuesList(chunk.length, columnCount)}) ` +
        `UPDATE ${quote(table)} AS t SET ${assignments} FROM v WHERE ${match} RETURNING ${returning}`;
      const bindings = chunk.flatMap(({ key, changes }) => [
        ...key,
        ...changes.map(([column, value]) => encodeValue(column.kind, value)),
      ]);
      found.push(...(await runSql(db, sql, bindings)));
    }
  }
  return found;
}
