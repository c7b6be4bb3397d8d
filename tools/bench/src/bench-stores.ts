import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskStore } from '@tasker/core';
import { createKnexStore } from '@tasker/store-knex';
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

export const POSTGRES_URL = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function psql(database: string, sql: string): void {
  const url = POSTGRES_URL;
  execFileSync('psql', [
    '-h',
    url.hostname,
    '-p',
    url.port || '5432',
    '-U',
    url.username || 'postgres',
    '-q',
    '-d',
    database,
    '-c',
    sql,
  ]);
}

/** Opens a fresh, migrated store of `kind` that only this benchmark run uses. */
export async function openBenchStore(kind: StoreKind): Promise<BenchStore> {
  const run = `${process.pid}_${Date.now()}`;
  switch (kind) {
    case 'postgres': {
      const database = `tasker_bench_${run}`;
      psql('postgres', `CREATE DATABASE ${database}`);
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${database}`;
      const store = createKnexStore({ client: 'pg', connection: url.toString(), pool: { min: 2, max: 10 } });
      await store.migrate();
      return {
        store,
        statements: () => store.statementCount,
        dispose: async () => {
          await store.close();
          psql('postgres', `DROP DATABASE ${database}`);
        },
      };
    }
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'tasker-bench-'));
      const store = createKnexStore({
        client: 'better-sqlite3',
        connection: { filename: join(dir, 'bench.sqlite') },
        useNullAsDefault: true,
      });
      await store.migrate();
      return {
        store,
        statements: () => store.statementCount,
        dispose: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    case 'redis': {
      const prefix = `tasker-bench-${run}:`;
      const store = createRedisStore(REDIS_URL, { prefix });
      await store.migrate();
      return {
        store,
        statements: () => store.commandCount,
        dispose: async () => {
          await store.close();
          execFileSync('sh', [
            '-c',
            `redis-cli -u ${REDIS_URL} --scan --pattern '${prefix}*' | xargs -r -n 500 redis-cli -u ${REDIS_URL} DEL > /dev/null`,
          ]);
        },
      };
    }
  }
}
