import { redactUrl } from '@tasker/core';
import knexFactory, { type Knex } from 'knex';
import type { Logger } from 'pino';
import type { StorageConfig } from '../config/checkout-config.js';

/** Which SQL database the app's tables (and, without Redis, the engine's tasks) live in. */
export type ShopDialect = 'postgres' | 'sqlite';

/** The app's SQL database: one knex instance shared by the app's tables and the engine's knex store. */
export interface ShopDatabase {
  knex: Knex;
  dialect: ShopDialect;
  /** Where it is, for logs: the SQLite file, or the Postgres URL without its password. */
  location: string;
}

/**
 * knex's warnings through the app's logger. A failed connection attempt goes to debug: the query that needed it
 * fails with the same error, which its caller reports (at startup, once, without knex's copy of the stack).
 */
function knexLog(logger: Logger): Knex.Config['log'] {
  return {
    warn: (message: string) =>
      message.startsWith('Acquire connection error') ? logger.debug(message) : logger.warn(message),
    error: (message: string) => logger.error(message),
    deprecate: (method: string, alternative: string) =>
      logger.warn(`knex: ${method} is deprecated, use ${alternative}`),
    debug: (message: string) => logger.debug(message),
  };
}

/**
 * Opens the database of `storage`: PostgreSQL when it has a `databaseUrl`, else the SQLite file. SQLite gets one
 * connection in WAL mode (better-sqlite3 is synchronous, so a second connection of the same process would only
 * wait for the first), which the engine's store shares.
 */
export function openDatabase(storage: StorageConfig, logger: Logger): ShopDatabase {
  if (storage.databaseUrl) {
    return {
      knex: knexFactory({
        log: knexLog(logger),
        client: 'pg',
        connection: { connectionString: storage.databaseUrl, connectionTimeoutMillis: 5_000 },
        pool: { min: 0, max: 20 },
        acquireConnectionTimeout: 30_000,
      }),
      dialect: 'postgres',
      location: redactUrl(storage.databaseUrl),
    };
  }
  return {
    knex: knexFactory({
      client: 'better-sqlite3',
      connection: { filename: storage.sqliteFile },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        afterCreate: (connection: { pragma(source: string): unknown }, done: (error: Error | null) => void) => {
          connection.pragma('journal_mode = WAL');
          connection.pragma('synchronous = NORMAL');
          connection.pragma('busy_timeout = 5000');
          done(null);
        },
      },
    }),
    dialect: 'sqlite',
    location: storage.sqliteFile,
  };
}
