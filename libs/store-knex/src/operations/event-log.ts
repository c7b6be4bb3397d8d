import { InvalidRequestError, type EventPurge, type EventQuery, type LoggedEvent } from '@tasker/core';
import type { Knex } from 'knex';
import { quote } from '../rows/column.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/** The id `after` names: a whole number, as this store's ids are. */
function afterId(after: string | undefined): string {
  if (after === undefined) return '0';
  if (!/^\d{1,18}$/.test(after)) throw new InvalidRequestError('after', `'${after}' is no event id of this store`);
  return after;
}

/** The condition for `types`, or none when a pattern takes every type: names compared, `x.*` by prefix. */
function typeCondition(types: EventQuery['types'], bindings: unknown[]): string | undefined {
  if (types === undefined || types.includes('*')) return undefined;
  if (types.length === 0) return 'FALSE';
  const alternatives = types.map((pattern) => {
    if (!pattern.endsWith('.*')) {
      bindings.push(pattern);
      return '"type" = ?';
    }
    const prefix = pattern.slice(0, -1);
    bindings.push(prefix.length, prefix);
    return 'substr("type", 1, ?) = ?';
  });
  return `(${alternatives.join(' OR ')})`;
}

/** Events matching `query`, in id order (see `EventLog.readEvents`). */
export async function readEvents({ db, dialect, tables }: StoreContext, query: EventQuery): Promise<LoggedEvent[]> {
  const bindings: unknown[] = [afterId(query.after)];
  const conditions = [dialect === 'postgres' ? '"id" > CAST(? AS bigint)' : '"id" > CAST(? AS integer)'];
  if (query.taskId !== undefined) {
    conditions.push('"task_id" = ?');
    bindings.push(query.taskId);
  }
  if (query.namespace !== undefined) {
    conditions.push('"namespace" = ?');
    bindings.push(query.namespace);
  }
  const types = typeCondition(query.types, bindings);
  if (types) conditions.push(types);
  bindings.push(query.limit);
  const body = dialect === 'postgres' ? '"body"::text AS "body"' : '"body"';
  const rows = await runSql(
    db,
    `SELECT "id", ${body} FROM ${quote(tables.events)} WHERE ${conditions.join(' AND ')} ORDER BY "id" LIMIT ?`,
    bindings,
  );
  return rows.map((row) => ({ id: String(row.id), event: JSON.parse(row.body as string) }));
}

/** The newest event's id, if any. */
export async function lastEventId({ db, tables }: StoreContext): Promise<string | undefined> {
  const [row] = await runSql(db, `SELECT max("id") AS "id" FROM ${quote(tables.events)}`, []);
  return row?.id === null || row?.id === undefined ? undefined : String(row.id);
}

/**
 * Deletes up to `limit` events, oldest first, that are older than `before` or beyond the newest `keepNewest`: one
 * statement, idempotent, so that workers purging at once only share the work.
 */
export async function purgeEvents(
  { db, tables, exclusive }: StoreContext,
  { before, keepNewest, limit }: EventPurge,
): Promise<number> {
  const events = (): Knex.QueryBuilder => db(tables.events);
  const newestDoomed = events().select('id').orderBy('id', 'desc').limit(1).offset(keepNewest);
  const doomed = events()
    .select('id')
    .where('at', '<', before)
    .orWhere('id', '<=', newestDoomed)
    .orderBy('id')
    .limit(limit);
  return exclusive(async () => Number(await events().whereIn('id', doomed).del()));
}
