import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/** A row as the driver returns it. */
export type Row = Record<string, unknown>;

/** The part of a node-pg client this module uses. */
interface PgConnection {
  query(config: { text: string; values: unknown[]; name?: string }): Promise<{ rows: Row[] }>;
  connection?: { parsedStatements?: Record<string, string> };
}

/** Named statements a connection keeps before it forgets them all; they are small, but their number is not bounded. */
const MAX_PREPARED_PER_CONNECTION = 200;

/** Names of the statements each connection has prepared. */
const prepared = new WeakMap<PgConnection, Set<string>>();

/** `sql` with `?` placeholders numbered `$1, $2, ...` (no statement of this store has a `?` inside a literal). */
function numbered(sql: string): string {
  const pieces = sql.split('?');
  let text = pieces[0]!;
  for (let index = 1; index < pieces.length; index++) text += `$${index}${pieces[index]}`;
  return text;
}

/**
 * Runs `sql` on a pooled Postgres connection as a named prepared statement, so that a statement of a shape seen
 * before is neither parsed nor planned again: for the small statements of a task running alone, parsing costs
 * more than executing. Statements of one shape (same batch size, same patched fields) share a name; a connection
 * that has prepared many forgets them all (`DEALLOCATE ALL`) and starts over.
 *
 * knex is bypassed for this, so the `query` event is emitted here for whoever counts statements.
 */
async function runPrepared(db: Knex | Knex.Transaction, sql: string, bindings: readonly unknown[]): Promise<Row[]> {
  const text = numbered(sql);
  const name = `tasker_${createHash('sha1').update(text).digest('base64url')}`;
  db.client.emit('query', { method: 'raw', sql: text, bindings });
  const connection = (await db.client.acquireConnection()) as PgConnection;
  try {
    let names = prepared.get(connection);
    if (!names) prepared.set(connection, (names = new Set()));
    if (!names.has(name) && names.size >= MAX_PREPARED_PER_CONNECTION) {
      await connection.query({ text: 'DEALLOCATE ALL', values: [] });
      if (connection.connection?.parsedStatements) connection.connection.parsedStatements = {};
      names.clear();
    }
    names.add(name);
    return (await connection.query({ name, text, values: bindings as unknown[] })).rows;
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/**
 * Runs one SQL statement with `?` placeholders and returns its rows (the selected rows, or those of a
 * `RETURNING` clause). On Postgres as a prepared statement ({@link runPrepared}), on the transaction's connection
 * when `db` is a transaction; on SQLite through knex.
 */
export async function runSql(
  db: Knex | Knex.Transaction,
  sql: string,
  bindings: readonly unknown[] = [],
): Promise<Row[]> {
  if ((db.client as { dialect?: string }).dialect === 'postgresql') return runPrepared(db, sql, bindings);
  const result: unknown = await db.raw(sql, bindings as Knex.RawBinding[]);
  if (Array.isArray(result)) return result as Row[];
  return ((result as { rows?: Row[] }).rows ?? []) as Row[];
}
