import type { Knex } from 'knex';

const POSTGRES_CLIENTS = ['pg', 'postgres', 'postgresql'];
const SQLITE_CLIENTS = ['better-sqlite3'];

/** How long a new Postgres connection may take before the attempt fails (and the engine's write queue retries). */
const CONNECT_TIMEOUT_MS = 5_000;

/** How long SQLite waits for another process's write lock before answering SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * Settings every SQLite connection gets. WAL lets readers and the writer work at once; `synchronous = NORMAL`
 * in WAL mode syncs at checkpoints rather than at every commit: a committed transaction survives the crash or
 * kill of the process, while a power loss or operating-system crash may lose the last transactions (never the
 * database's consistency).
 */
export function configureSqliteConnection(connection: { pragma(source: string): unknown }): void {
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
}

type AfterCreate = (connection: unknown, done: (error: Error | null, connection: unknown) => void) => void;

/**
 * `config` with the store's defaults filled in where it leaves them open. Postgres: a pool of up to 10
 * connections that keeps none open when idle, a 5 s connect timeout and a 10 s acquire timeout, so that a stopped
 * server fails a commit within seconds rather than the minute knex waits by default. SQLite: one connection (the
 * driver is synchronous, so knex serialises every query through it) with {@link configureSqliteConnection}.
 * @throws Error for a client other than pg or better-sqlite3.
 */
export function withStoreDefaults(config: Knex.Config): Knex.Config {
  const client = config.client;
  if (typeof client === 'string' && POSTGRES_CLIENTS.includes(client)) {
    const connection = config.connection;
    return {
      acquireConnectionTimeout: 10_000,
      ...config,
      pool: { min: 0, max: 10, ...config.pool },
      connection:
        typeof connection === 'string'
          ? { connectionString: connection, connectionTimeoutMillis: CONNECT_TIMEOUT_MS }
          : typeof connection === 'object' && connection !== null
            ? { connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...connection }
            : connection,
    } as Knex.Config;
  }
  if (typeof client === 'string' && SQLITE_CLIENTS.includes(client)) {
    const userAfterCreate = config.pool?.afterCreate as AfterCreate | undefined;
    const afterCreate: AfterCreate = (connection, done) => {
      try {
        configureSqliteConnection(connection as { pragma(source: string): unknown });
      } catch (error) {
        done(error as Error, connection);
        return;
      }
      if (userAfterCreate) userAfterCreate(connection, done);
      else done(null, connection);
    };
    return { useNullAsDefault: true, ...config, pool: { min: 1, max: 1, ...config.pool, afterCreate } };
  }
  throw new Error(
    `@tasker/store-knex runs on the clients ${[...POSTGRES_CLIENTS, ...SQLITE_CLIENTS].map((name) => `'${name}'`).join(', ')}, not '${String(client)}'`,
  );
}
