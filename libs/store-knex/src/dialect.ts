import type { Knex } from 'knex';

/**
 * The two databases this store speaks to. Their SQL differs in a few places only: how JSON is stored (jsonb on
 * Postgres, text on SQLite) and whether parameters of a `VALUES` list need casts (Postgres reads them as text).
 */
export type Dialect = 'postgres' | 'sqlite';

/** Which {@link Dialect} a knex instance speaks. @throws Error for a client this store does not support. */
export function dialectOf(db: Knex): Dialect {
  const dialect = (db.client as { dialect?: string }).dialect;
  if (dialect === 'postgresql') return 'postgres';
  if (dialect === 'sqlite3') return 'sqlite';
  throw new Error(`@tasker/store-knex supports the pg and better-sqlite3 clients, not '${String(dialect)}'`);
}

/**
 * Most bind parameters one statement may carry: Postgres allows 65,535 and SQLite 32,766; multi-row statements are
 * cut into chunks that stay below both.
 */
export const MAX_PARAMETERS = 30_000;
