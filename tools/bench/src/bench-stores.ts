import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskStore } from '@tasker/core';
import type { KnexStore } from '@tasker/store-knex';
import { TEST_DATABASE_URL, freshPostgresDatabase } from '@tasker/store-knex/testing';
import type { RedisStore } from '@tasker/store-redis';
import { storeAt, type StoreTarget } from '@tasker/chaos/store-target';

/** The Postgres pool of every benchmark process: two connections kept open, as a service would keep them. */
export const BENCH_POOL = { min: 2, max: 10 };

/** A durable store to benchmark, with the count of statements (or commands) it has sent so far. */
export interface BenchStore {
  location: StoreTarget;
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
  location: StoreTarget,
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
      const store = storeAt(location, BENCH_POOL) as KnexStore;
      return migrated(location, store, () => store.statementCount, database.drop);
    }
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'tasker-bench-'));
      const location = { kind: 'sqlite', file: join(dir, 'bench.sqlite') } as const;
      const store = storeAt(location, BENCH_POOL) as KnexStore;
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
      const store = storeAt(location, BENCH_POOL) as RedisStore;
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
