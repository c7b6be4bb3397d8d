import type { Knex } from 'knex';
import { quote, rowValues, type Column } from '../rows/column.js';
import { runSql } from './run-sql.js';
import { inChunks, valuesList } from './values-list.js';

/**
 * Inserts `records` with one multi-row `INSERT ... VALUES` per chunk (one statement for any ordinary batch), each
 * statement ended by `onConflict` when given (an upsert's `ON CONFLICT ... DO UPDATE`).
 * Written by hand rather than with knex's builder, whose SQLite form is a `UNION ALL` of selects that SQLite caps
 * at 500 rows. Rows are inserted in the order given, so autoincrement ids keep that order.
 */
export async function insertRows(
  db: Knex.Transaction,
  table: string,
  columns: readonly Column[],
  records: readonly object[],
  onConflict = '',
): Promise<void> {
  const names = columns.map(({ column }) => quote(column)).join(', ');
  for (const chunk of inChunks(records, columns.length)) {
    const sql = `INSERT INTO ${quote(table)} (${names}) VALUES ${valuesList(chunk.length, columns.length)} ${onConflict}`;
    await runSql(
      db,
      sql,
      chunk.flatMap((record) => rowValues(record, columns)),
    );
  }
}
