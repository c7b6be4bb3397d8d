import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import knex, { type Knex } from 'knex';
import type { StoreTarget } from '@tasker/chaos/store-target';

/**
 * What the database server did while a benchmark ran, to say where a curve flattens: the server's CPU, what its
 * busy connections waited on, and (PostgreSQL) the write-ahead log and commits it wrote.
 */
export interface ServerLoad {
  /** CPU seconds the server used (PostgreSQL: the benchmark database's backends; Redis: INFO cpu of every node, all clients'). */
  cpuSeconds: number;
  /** PostgreSQL: bytes of write-ahead log written (the whole server's, other databases' writes included). */
  walBytes?: number;
  /** PostgreSQL: transactions committed in the benchmark's database; Redis: commands processed. */
  operations: number;
  /** PostgreSQL: the mean count of client backends running a statement, over the samples. */
  meanActive?: number;
  /** PostgreSQL: for each wait (`CPU` when none, else `type:event`), its share of the active backends' samples. */
  waits?: Record<string, number>;
}

/** A running sampler; `stop` ends it and answers the figures since it started. */
export interface ServerSampler {
  stop(): Promise<ServerLoad>;
}

const SAMPLE_MS = 25;
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU ticks (user + system) of process `pid` of this host, or `undefined` once it has ended; Linux only. */
function cpuTicksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces): state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/**
 * Samples a PostgreSQL server every 25 ms: the CPU of the backends connected to the benchmark's database (kept per
 * pid, so a backend that ends before the last sample still counts up to its last sample; other databases' clients,
 * and the server's own background writers, are not counted) and what they wait on. The server must run on this
 * host (backends are read from /proc). The WAL figure is the whole server's.
 */
async function samplePostgres(location: StoreTarget): Promise<ServerSampler> {
  const db: Knex = knex({ client: 'pg', connection: location, pool: { min: 1, max: 1 } });
  const counters = async () => {
    const { rows } = await db.raw<{ rows: Array<{ wal: string; commits: string }> }>(
      `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS wal,
              (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()) AS commits`,
    );
    return { wal: Number(rows[0]!.wal), commits: Number(rows[0]!.commits) };
  };
  const backends = async () =>
    (
      await db.raw<{ rows: Array<{ pid: number; active: boolean; wait: string }> }>(
        `SELECT pid, state = 'active' AS active, coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait
           FROM pg_stat_activity
          WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      )
    ).rows;
  // Backends there at the start count from their ticks then; those started later count whole.
  const baseline = new Map<number, number>();
  for (const { pid } of await backends()) baseline.set(pid, cpuTicksOf(pid) ?? 0);
  const last = new Map<number, number>();
  const waits = new Map<string, number>();
  let samples = 0;
  let activeSamples = 0;
  const start = await counters();
  let sampling = true;
  const loop = (async () => {
    while (sampling) {
      samples++;
      for (const backend of await backends()) {
        const ticks = cpuTicksOf(backend.pid);
        if (ticks !== undefined) last.set(backend.pid, ticks);
        if (!backend.active) continue;
        waits.set(backend.wait, (waits.get(backend.wait) ?? 0) + 1);
        activeSamples++;
      }
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
  })();
  return {
    async stop() {
      sampling = false;
      await loop;
      const end = await counters();
      await db.destroy();
      let ticks = 0;
      for (const [pid, lastTicks] of last) ticks += lastTicks - (baseline.get(pid) ?? 0);
      return {
        cpuSeconds: ticks / TICKS_PER_SECOND,
        walBytes: end.wal - start.wal,
        operations: end.commits - start.commits,
        meanActive: samples === 0 ? 0 : activeSamples / samples,
        waits: Object.fromEntries(
          [...waits].sort((a, b) => b[1] - a[1]).map(([wait, count]) => [wait, count / Math.max(1, activeSamples)]),
        ),
      };
    },
  };
}

/** The `host:port` of every node a `redis://` or `redis+cluster://host:port,host:port` store URL names. */
function redisNodes(location: StoreTarget): string[] {
  const authority = location.replace(/^[a-z+]+:\/\//, '').split(/[/?]/)[0]!;
  return authority.replace(/^.*@/, '').split(',');
}

/** Reads the CPU and command count of every node of a Redis server or cluster from INFO, at the start and the stop. */
function sampleRedis(location: StoreTarget): ServerSampler {
  const nodes = redisNodes(location);
  const read = () => {
    let cpu = 0;
    let commands = 0;
    for (const node of nodes) {
      const info = execFileSync('redis-cli', ['-u', `redis://${node}`, 'INFO', 'all'], { encoding: 'utf8' });
      const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
      cpu += field('used_cpu_user') + field('used_cpu_sys');
      commands += field('total_commands_processed');
    }
    return { cpu, commands };
  };
  const start = read();
  return {
    async stop() {
      const end = read();
      return { cpuSeconds: end.cpu - start.cpu, operations: end.commands - start.commands };
    },
  };
}

/** Starts sampling the server behind `location`, a `postgres://`, `redis://` or `redis+cluster://` store URL. */
export async function sampleServer(location: StoreTarget): Promise<ServerSampler> {
  return location.startsWith('postgres') ? samplePostgres(location) : sampleRedis(location);
}
