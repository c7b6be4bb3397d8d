import knexFactory, { type Knex } from 'knex';
import { withStoreDefaults } from './knex-config.js';
import { KnexStore } from './knex-store.js';
import type { KnexStoreOptions } from './knex-store-options.js';

/** A knex configuration or a knex instance; a configuration gets the store's defaults where it leaves them open. */
export type KnexConfigOrInstance = Knex.Config | Knex;

function isKnexInstance(value: KnexConfigOrInstance): value is Knex {
  // A knex instance is a function (the query builder) with a client; a configuration is a plain object.
  return typeof value === 'function' && 'client' in value;
}

/**
 * Creates a store on PostgreSQL (client `pg`) or SQLite (client `better-sqlite3`). Given a configuration, the
 * store creates its own knex instance with sensible pool and timeout defaults and destroys it on `close()`; given an
 * instance, it uses it as it is and leaves it open.
 *
 * @example
 * const store = createKnexStore({ client: 'pg', connection: 'postgres://postgres@127.0.0.1:5432/app' });
 * const engine = createEngine({ store });
 *
 * @example
 * // The embedded default: a SQLite file.
 * const store = createKnexStore({ client: 'better-sqlite3', connection: { filename: './tasker.sqlite' } });
 */
export function createKnexStore(knexConfigOrInstance: KnexConfigOrInstance, options: KnexStoreOptions = {}): KnexStore {
  if (isKnexInstance(knexConfigOrInstance)) return new KnexStore(knexConfigOrInstance, options, false);
  const knex = knexFactory(withStoreDefaults(knexConfigOrInstance));
  try {
    return new KnexStore(knex, options, true);
  } catch (error) {
    void knex.destroy();
    throw error;
  }
}
