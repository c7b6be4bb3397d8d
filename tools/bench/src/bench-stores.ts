import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskStore } from '@tasker/core';
import { createKnexStore } from '@tasker/store-knex';
import { TEST_DATABASE_URL, freshPostgresDatabase } from '@tasker/store-knex/testing';
import { createRedisStore } from '@tasker/store-redis';

/** A durable store to benchmark, with the count of statements (or commands) it has sent so far. */
export interface BenchStore {
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
  store: TaskStore & { migrate(): Promise<unknown> },
  statements: () => number,
  removeData: () => Promise<void> | void,
): Promise<BenchStore> {
  await store.migrate();
  return {
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
      const store = createKnexStore({ client: 'pg', connection: database.url, pool: { min: 2, max: 10 } });
      return migrated(store, () => store.statementCount, database.drop);
    }
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'tasker-bench-'));
      const store = createKnexStore({
        client: 'better-sqlite3',
        connection: { filename: join(dir, 'bench.sqlite') },
        useNullAsDefault: true,
      });
      return migrated(
        store,
        () => store.statementCount,
        () => rmSync(dir, { recursive: true, force: true }),
      );
    }
    case 'redis': {
      const prefix = `tasker-bench-${run}:`;
      const store = createRedisStore(REDIS_URL, { prefix });
      return migrated(
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
