import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import { createStoreFromUrl, type TaskStore } from '@tasker/core';
import type { KnexStore } from '@tasker/store-knex';
import { TEST_DATABASE_URL, freshPostgresDatabase } from '@tasker/store-knex/testing';
import type { RedisStore } from '@tasker/store-redis';
import { RedisClusterProcesses } from '@tasker/store-redis/testing';
import { redisWithAppendOnly } from '@tasker/chaos/servers';
import type { StoreTarget } from '@tasker/chaos/store-target';

/** The Postgres pool of every benchmark process: two connections kept open, as a service would keep them. */
export const BENCH_POOL = { min: 2, max: 10 };

/** A durable store to benchmark, with the count of statements (or commands) it has sent so far. */
export interface BenchStore {
  location: StoreTarget;
  store: TaskStore;
  statements(): number;
  /**
   * Bytes the server has written to its log so far, where the store can tell: PostgreSQL's write-ahead log (the
   * whole server's, so another client writing meanwhile counts too) or the append-only file of a Redis that keeps one.
   */
  loggedBytes?(): Promise<number>;
  /** Removes the database, file or keys the benchmark made. */
  dispose(): Promise<void>;
}

/**
 * `memory` is the in-memory engine every durable store is compared with; `redis` is the shared server, which keeps
 * nothing on disk; `redis-always` a private one with an append-only file synced on every write (`appendfsync
 * always`), as a Redis that must not lose a commit runs; `redis-cluster` a three-master Redis Cluster of the run's own
 * on loopback ports (no persistence), whose tasks the store spreads over its 16 shards.
 */
export const STORE_KINDS = ['memory', 'postgres', 'sqlite', 'redis', 'redis-always', 'redis-cluster'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export const POSTGRES_URL = new URL(TEST_DATABASE_URL);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Wraps a migrated `store`; disposing closes it, then removes its data with `removeData`. */
function benchStore(
  location: StoreTarget,
  store: TaskStore,
  statements: () => number,
  removeData: () => Promise<void> | void,
): BenchStore {
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

/** The store at `location`, migrated, with the benchmarks' pool, as the adapter's own class. */
async function openAt<S extends TaskStore>(location: StoreTarget): Promise<S> {
  return (await createStoreFromUrl(location, { pool: BENCH_POOL })) as S;
}

/** Opens a fresh, migrated store of `kind` that only this benchmark run uses. */
export async function openBenchStore(kind: StoreKind): Promise<BenchStore> {
  const run = `${process.pid}_${Date.now()}`;
  switch (kind) {
    case 'postgres': {
      const database = await freshPostgresDatabase({ name: `tasker_bench_${run}` });
      const store = await openAt<KnexStore>(database.url);
      // A connection of its own, so that its queries count in none of the store's figures.
      const wal = knex({ client: 'pg', connection: database.url, pool: { min: 0, max: 1 } });
      const bench = benchStore(
        database.url,
        store,
        () => store.statementCount,
        async () => {
          await wal.destroy();
          await database.drop();
        },
      );
      bench.loggedBytes = async () => {
        const { rows } = await wal.raw<{ rows: Array<{ bytes: string }> }>(
          "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS bytes",
        );
        return Number(rows[0]!.bytes);
      };
      return bench;
    }
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'tasker-bench-'));
      const location = `sqlite:${join(dir, 'bench.sqlite')}`;
      const store = await openAt<KnexStore>(location);
      return benchStore(
        location,
        store,
        () => store.statementCount,
        () => rmSync(dir, { recursive: true, force: true }),
      );
    }
    case 'memory': {
      const location = 'memory:';
      return benchStore(
        location,
        await openAt(location),
        () => 0,
        () => undefined,
      );
    }
    case 'redis-always': {
      const dir = mkdtempSync(join(tmpdir(), 'tasker-bench-redis-'));
      const server = await redisWithAppendOnly(dir);
      const location = `${server.url}/?prefix=${encodeURIComponent('tasker-bench:')}`;
      const store = await openAt<RedisStore>(location);
      const bench = benchStore(
        location,
        store,
        () => store.commandCount,
        async () => {
          await server.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      );
      bench.loggedBytes = async () => {
        const info = execFileSync('redis-cli', ['-u', server.url, 'INFO', 'persistence'], { encoding: 'utf8' });
        return Number(/aof_current_size:(\d+)/.exec(info)?.[1] ?? Number.NaN);
      };
      return bench;
    }
    case 'redis-cluster': {
      const cluster = await RedisClusterProcesses.started();
      const location = `${cluster.url}/?prefix=${encodeURIComponent('tasker-bench:')}`;
      const store = await openAt<RedisStore>(location);
      return benchStore(
        location,
        store,
        () => store.commandCount,
        () => cluster.dispose(),
      );
    }
    case 'redis': {
      const prefix = `tasker-bench-${run}:`;
      const location = `${REDIS_URL}/?prefix=${encodeURIComponent(prefix)}`;
      const store = await openAt<RedisStore>(location);
      return benchStore(
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
