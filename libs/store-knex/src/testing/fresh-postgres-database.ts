import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import type { Knex } from 'knex';

/** The PostgreSQL server of tests and tools (services.md): each run creates a database of its own on it. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A PostgreSQL database of one test file, benchmark or crash run alone, dropped by `drop`. */
export interface TestDatabase {
  url: string;
  /** A knex configuration of the database for `createKnexStore`. */
  config(): Knex.Config;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

/** How {@link freshPostgresDatabase} names its database. */
export interface FreshPostgresDatabaseOptions {
  /** The database's name, a plain lower-case SQL name; by default `tasker_test_` and 12 random hex digits. */
  name?: string;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs `sql` through a connection of its own to the server's `postgres` database, as CREATE and DROP need. */
async function onServer(sql: string): Promise<void> {
  const admin = knexFactory({
    client: 'pg',
    connection: withDatabase(TEST_DATABASE_URL, 'postgres'),
    pool: { min: 0, max: 1 },
  });
  try {
    await admin.raw(sql);
  } finally {
    await admin.destroy();
  }
}

/**
 * Creates a new, empty database on the server of {@link TEST_DATABASE_URL}, so that runs never see each other's
 * data.
 *
 * @example
 * ```ts
 * const database = await freshPostgresDatabase();
 * const store = createKnexStore(database.config());
 * // ...
 * await store.close();
 * await database.drop();
 * ```
 */
export async function freshPostgresDatabase(options: FreshPostgresDatabaseOptions = {}): Promise<TestDatabase> {
  const name = options.name ?? `tasker_test_${randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE "${name}"`);
  const url = withDatabase(TEST_DATABASE_URL, name);
  return {
    url,
    config: () => ({ client: 'pg', connection: url }),
    drop: () => onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
