import type { TaskStore } from '@tasker/core';
import { createKnexStore, type KnexStore } from '@tasker/store-knex';
import { createRedisStore, type RedisStore } from '@tasker/store-redis';

/**
 * Which store a process opens: serialisable, so that a test or a benchmark can pass it to the child processes it
 * starts (crash workers here, benchmark workers in tools/bench).
 */
export type StoreTarget =
  { kind: 'postgres'; url: string } | { kind: 'sqlite'; file: string } | { kind: 'redis'; url: string; prefix: string };

/** The store a target names, not migrated; `pool` sizes the Postgres connection pool. */
export function storeAt(target: StoreTarget, pool = { min: 0, max: 4 }): KnexStore | RedisStore {
  switch (target.kind) {
    case 'postgres':
      return createKnexStore({ client: 'pg', connection: target.url, pool });
    case 'sqlite':
      return createKnexStore({
        client: 'better-sqlite3',
        connection: { filename: target.file },
        useNullAsDefault: true,
      });
    case 'redis':
      return createRedisStore(target.url, { prefix: target.prefix });
  }
}

/** Opens the store a target names, migrated and ready. */
export async function openStore(target: StoreTarget): Promise<TaskStore> {
  const store = storeAt(target);
  await store.migrate();
  return store;
}
