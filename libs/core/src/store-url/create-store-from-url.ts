import type { TaskStore } from '../store/task-store.js';
import { createMemoryStore } from '../store/memory-store.js';
import {
  loadAdapterFactory,
  withAdapterInstalled,
  type AdapterNeed,
  type ImportModule,
  type MigratableStore,
} from './load-adapter.js';
import { parseStoreLocation, schemeOf, type StoreLocation } from './store-location.js';

/** How {@link createStoreFromUrl} opens a store beyond what its URL says. */
export interface StoreFromUrlOptions {
  /** The connection pool of a PostgreSQL store (other stores ignore it); by default up to 10 connections. */
  pool?: { min: number; max: number };
  /** The prefix of a Redis store's keys (other stores ignore it); wins over `?prefix=`; by default `tasker:`. */
  prefix?: string;
  /**
   * Whether the store creates or upgrades its schema before it is answered, so that it is ready (default `true`).
   * Without it, a durable store migrates on its first use.
   */
  migrate?: boolean;
}

type KnexFactory = (config: object) => MigratableStore;
type RedisFactory = (url: string, options: { prefix?: string }) => MigratableStore;

const KNEX: Omit<AdapterNeed, 'scheme' | 'driver'> = { packageName: '@tasker/store-knex', factory: 'createKnexStore' };
const REDIS: Omit<AdapterNeed, 'scheme' | 'driver'> = {
  packageName: '@tasker/store-redis',
  factory: 'createRedisStore',
};

/**
 * Kept in a function taking a variable, so that neither TypeScript nor nx's project graph makes core depend on the
 * adapters: a user installs only the adapter of the store they use.
 */
const importModule: ImportModule = (specifier) => import(specifier) as Promise<Record<string, unknown>>;

async function openKnex(need: AdapterNeed, config: object, load: ImportModule): Promise<MigratableStore> {
  const createKnexStore = await loadAdapterFactory<KnexFactory>(need, load);
  // knex loads the driver (pg, better-sqlite3) only when the store creates its connection pool.
  return withAdapterInstalled(need, () => createKnexStore(config));
}

async function openLocation(
  location: StoreLocation,
  scheme: string,
  options: StoreFromUrlOptions,
  load: ImportModule,
): Promise<TaskStore | MigratableStore> {
  switch (location.kind) {
    case 'memory':
      return createMemoryStore();
    case 'sqlite':
      return openKnex(
        { ...KNEX, scheme, driver: 'better-sqlite3' },
        {
          client: 'better-sqlite3',
          connection: { filename: location.filename },
          useNullAsDefault: true,
        },
        load,
      );
    case 'postgres':
      return openKnex(
        { ...KNEX, scheme, driver: 'pg' },
        {
          client: 'pg',
          connection: location.url,
          ...(options.pool ? { pool: options.pool } : {}),
        },
        load,
      );
    case 'redis': {
      const need = { ...REDIS, scheme, driver: 'ioredis' };
      const createRedisStore = await loadAdapterFactory<RedisFactory>(need, load);
      const prefix = options.prefix ?? location.prefix;
      return createRedisStore(location.url, prefix === undefined ? {} : { prefix });
    }
  }
}

/**
 * {@link createStoreFromUrl} with the module importer as a parameter, so that tests can stand for a missing
 * package. Not exported from the package.
 */
export async function openStoreFromUrl(
  url: string,
  options: StoreFromUrlOptions,
  load: ImportModule,
): Promise<TaskStore> {
  const location = parseStoreLocation(url);
  const store = await openLocation(location, `${schemeOf(url)}:`, options, load);
  if (options.migrate !== false && 'migrate' in store) {
    try {
      await store.migrate();
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }
  return store;
}

/**
 * Opens the store a URL names, migrated and ready, loading its adapter only when the URL needs it:
 *
 * | URL | store | install |
 * |---|---|---|
 * | `postgres://user:password@host:5432/db`, `postgresql://…` | PostgreSQL | `@tasker/store-knex pg` |
 * | `sqlite:tasks.sqlite` (relative to the working directory, or absolute), `sqlite::memory:` | SQLite | `@tasker/store-knex better-sqlite3` |
 * | `redis://host:6379`, `rediss://…`, with `?prefix=app:` for the keys' prefix | Redis | `@tasker/store-redis ioredis` |
 * | `redis+cluster://host:6379,host:6380` (some nodes of the cluster), with `?prefix=app:` | Redis Cluster | `@tasker/store-redis ioredis` |
 * | `memory:` | in-memory, gone with the process | nothing |
 *
 * Close the store with `store.close()` after `engine.stop()`. Errors never show the URL's password.
 *
 * @throws StoreUrlError `INVALID_STORE_URL` for a malformed URL or an unknown scheme (listing the supported ones),
 * `STORE_ADAPTER_MISSING` naming the scheme and the `npm install` line when its adapter or driver is not installed.
 * Errors of the store's migration (an unreachable server, a missing database) pass through.
 *
 * @example
 * ```ts
 * import { createEngine, createStoreFromUrl, stopOnSignals } from '@tasker/core';
 *
 * const store = await createStoreFromUrl(process.env.DATABASE_URL ?? 'sqlite:tasker.sqlite', { pool: { min: 0, max: 20 } });
 * const engine = createEngine({ store });
 * await engine.start();
 * stopOnSignals(engine, { then: () => store.close() });
 * ```
 */
export function createStoreFromUrl(url: string, options: StoreFromUrlOptions = {}): Promise<TaskStore> {
  return openStoreFromUrl(url, options, importModule);
}
