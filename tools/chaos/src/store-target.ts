import type { TaskStore } from '@tasker/core';
import { createKnexStore } from '@tasker/store-knex';
import { createRedisStore } from '@tasker/store-redis';

/** Which store a crash worker opens: serialisable, so the test can pass it to child processes. */
export type StoreTarget =
  { kind: 'postgres'; url: string } | { kind: 'sqlite'; file: string } | { kind: 'redis'; url: string; prefix: string };

/** Opens the store a target names, migrated and ready. */
export async function openStore(target: StoreTarget): Promise<TaskStore> {
  switch (target.kind) {
    case 'postgres': {
      const store = createKnexStore({ client: 'pg', connection: target.url, pool: { min: 0, max: 4 } });
      await store.migrate();
      return store;
    }
    case 'sqlite': {
      const store = createKnexStore({
        client: 'better-sqlite3',
        connection: { filename: target.file },
        useNullAsDefault: true,
      });
      await store.migrate();
      return store;
    }
    case 'redis': {
      const store = createRedisStore(target.url, { prefix: target.prefix });
      await store.migrate();
      return store;
    }
  }
}
