import type { Knex } from 'knex';
import type { Dialect } from './dialect.js';
import type { TableNames } from './table-names.js';

/** What every database operation of the store needs: the connection pool, its dialect and the table names. */
export interface StoreContext {
  db: Knex;
  dialect: Dialect;
  tables: TableNames;
  /** Runs a write transaction; on a SQLite file, one at a time per process (see `withFileWriteLock`). */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}
