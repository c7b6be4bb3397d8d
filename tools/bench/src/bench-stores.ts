import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskStore } from '@tasker/core';
import { createKnexStore, type KnexStore } from '@tasker/store-knex';
import { TEST_DATABASE_URL, freshPostgresDatabase } from '@tasker/store-knex/testing';
import { createRedisStore, type RedisStore } from '@tasker/store-redis';

/** Where a benchmark's store lives, serialisable so that worker processes open the same one. */
export type StoreLocation =
  { kind: 'postgres'; url: string } | { kind: 'sqlite'; file: string } | { kind: 'redis'; url: string; prefix: string };

/** Opens the store at `location` (already migrated by whoever made it). */
export function openStoreAt(location: StoreLocation, poolSize = 10): TaskStore & { close(): Promise<void> } {
  switch (location.kind) {
    case 'postgres':
      return createKnexStore({ client: 'pg', connection: location.url, pool: { min: 2, max: poolSize } });
    case 'sqlite':
      return createKnexStore({
        client: 'better-sqlite3',
        connection: { filename: location.file },
        useNullAsDefault: true,
      });
    case 'redis':
      return createRedisStore(location.url, { prefix: location.prefix });
  }
}

/** A durable store to benchmark, with the count of statements (or commands) it has sent so far. */
export interface BenchStore {
  location: StoreLocation;
  store: TaskStore;
  statements(): number;
  /** Removes the database, file or keys the benchmark made. */
  dispose(): Promise<void>;
}

export const STORE_KINDS = ['postgres', 'sqlite', 'redis'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export const POSTGRES_URL = new URL(TEST_DATABASE_URL);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Migrates `store` and wraps it; disposing closes it, then removes its data with `removeData`. */
async function migrated(
  location: StoreLocation,
  store: TaskStore & { migrate(): Promise<unknown> },
  statements: () => number,
  removeData: () => Promise<void> | void,
): Promise<BenchStore> {
  await store.migrate();
  return {
    location,
    store,
    statements,
    dispose: async () => {
      await store.close();
      await removeData();
    },
  };
}

/** Opens a fresh, migrated store of `kind` that only this benchmark run uses. */
export async function openBenchStore(kind: StoreKind): Promise<BenchStore> {
  const run = `${process.pid}_${Date.now()}`;
  switch (kind) {
    case 'postgres': {
      const database = await freshPostgresDatabase({ name: `tasker_bench_${run}` });
      const location = { kind: 'postgres', url: database.url } as const;
      const store = openStoreAt(location) as KnexStore;
      return migrated(location, store, () => store.statementCount, database.drop);
    }
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'tasker-bench-'));
      const location = { kind: 'sqlite', file: join(dir, 'bench.sqlite') } as const;
      const store = openStoreAt(location) as KnexStore;
      return migrated(
        location,
        store,
        () => store.statementCount,
        () => rmSync(dir, { recursive: true, force: true }),
      );
    }
    case 'redis': {
      const prefix = `tasker-bench-${run}:`;
      const location = { kind: 'redis', url: REDIS_URL, prefix } as const;
      const store = openStoreAt(location) as RedisStore;
      return migrated(
        location,
        store,
        () => store.commandCount,
        () => {
          execFileSync('sh', [
            '-c',
            `redis-cli -u ${REDIS_URL} --scan --pattern '${prefix}*' | xargs -r -n 500 redis-cli -u ${REDIS_URL} DEL > /dev/null`,
          ]);
        },
      );
    }
  }
}
