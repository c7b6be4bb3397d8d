/**
 * Durable throughput: in memory, on PostgreSQL, SQLite, Redis (no persistence) and Redis with `appendfsync always`,
 * N five-step chains and N diamonds at 50 concurrent tasks, plus the latency of one durable step when a task runs
 * alone, the CPU and the log bytes (PostgreSQL's WAL, Redis's AOF) each step costs; each durable store's chain is
 * compared with the in-memory engine of the same run, and with this machine's limits: pgbench single-row insert
 * transactions (8 clients, synchronous_commit on) and SQLite single-row insert transactions. Each store runs in a
 * child process of its own.
 *
 *   npm run bench:stores            (N=2000)
 *   BENCH_TASKS=500 npm run bench:stores
 *   BENCH_EVENT_LOG=compare npm run bench:stores   (also the chain without the event log: what logging costs)
 *   BENCH_STORES=postgres,sqlite npm run bench:stores   (those stores only, and memory to compare with)
 */
import os from 'node:os';
import { pgbenchSingleRowInserts, sqliteSingleRowInserts } from './baselines.js';
import { POSTGRES_URL, STORE_KINDS, openBenchStore, type StoreKind } from './bench-stores.js';
import { runOnEngine } from './engine-run.js';
import { percentile, type RunFigures } from './measure.js';
import { durableStepLatency } from './single-step-latency.js';
import { WORKLOADS, type WorkloadName } from './workloads.js';
import { inChild } from './in-child.js';

const TASKS = Number(process.env.BENCH_TASKS ?? 2_000);
const CONCURRENCY = 50;
/** Whether each store also runs the chain with `eventLog: false`, to compare events/s with the log on and off. */
const COMPARE_EVENT_LOG = process.env.BENCH_EVENT_LOG === 'compare';
/** The stores to run (`BENCH_STORES`, comma-separated; all by default); memory always runs, the others' yardstick. */
const KINDS = selectedKinds(process.env.BENCH_STORES);

function selectedKinds(list: string | undefined): readonly StoreKind[] {
  if (list === undefined) return STORE_KINDS;
  const named = list.split(',').map((name) => name.trim());
  const unknown = named.find((name) => !(STORE_KINDS as readonly string[]).includes(name));
  if (unknown !== undefined) throw new Error(`BENCH_STORES: '${unknown}' is not one of ${STORE_KINDS.join(', ')}`);
  return STORE_KINDS.filter((kind) => kind === 'memory' || named.includes(kind));
}

interface StoreFigures {
  latency: { p50: number; p99: number };
  runs: Record<WorkloadName, RunFigures & { statementsPerStep: number; loggedBytesPerStep?: number }>;
  /** The chain again with the event log off (`BENCH_EVENT_LOG=compare`). */
  chainWithoutLog?: RunFigures;
}

async function child(kind: StoreKind): Promise<void> {
  const bench = await openBenchStore(kind);
  try {
    const latency = await durableStepLatency(bench.store);
    const runs = {} as StoreFigures['runs'];
    for (const workload of Object.keys(WORKLOADS) as WorkloadName[]) {
      const before = bench.statements();
      const loggedBefore = await bench.loggedBytes?.();
      const figures = await runOnEngine(WORKLOADS[workload], TASKS, CONCURRENCY, bench.store);
      const loggedAfter = await bench.loggedBytes?.();
      runs[workload] = {
        ...figures,
        statementsPerStep: (bench.statements() - before) / figures.steps,
        ...(loggedBefore === undefined || loggedAfter === undefined
          ? {}
          : { loggedBytesPerStep: (loggedAfter - loggedBefore) / figures.steps }),
      };
    }
    const chainWithoutLog = COMPARE_EVENT_LOG
      ? await runOnEngine(WORKLOADS.chain, TASKS, CONCURRENCY, bench.store, { options: { eventLog: false } })
      : undefined;
    process.send!({ latency, runs, ...(chainWithoutLog ? { chainWithoutLog } : {}) } satisfies StoreFigures);
  } finally {
    await bench.dispose();
  }
}

const fixed = (value: number, digits = 0) => value.toFixed(digits);

async function main(): Promise<void> {
  console.log(`Tasker durable throughput: ${TASKS} tasks per run, ${CONCURRENCY} concurrent`);
  console.log(
    `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString()}`,
  );
  const results = {} as Partial<Record<StoreKind, StoreFigures>>;
  for (const kind of KINDS) results[kind] = await inChild<StoreFigures>(import.meta.url, [kind]);
  const pgbench = pgbenchSingleRowInserts(POSTGRES_URL);
  const sqlite = sqliteSingleRowInserts();

  console.log(
    [
      'store / run'.padEnd(26),
      'steps/s',
      ' p50 ms',
      ' p99 ms',
      'RSS MB',
      'stmts/step',
      'CPU µs/step',
      'log B/step',
    ].join('  '),
  );
  for (const kind of KINDS) {
    for (const [workload, run] of Object.entries(results[kind]!.runs)) {
      const line = [
        `${kind} ${WORKLOADS[workload as WorkloadName].name}`.padEnd(26),
        fixed(run.steps / run.seconds).padStart(7),
        fixed(percentile(run.latenciesMs, 0.5), 1).padStart(7),
        fixed(percentile(run.latenciesMs, 0.99), 1).padStart(7),
        fixed(run.peakRssMb).padStart(6),
        fixed(run.statementsPerStep, 2).padStart(10),
        fixed(run.cpuMicrosPerStep).padStart(11),
        (run.loggedBytesPerStep === undefined ? '-' : fixed(run.loggedBytesPerStep)).padStart(10),
      ];
      console.log(line.join('  '));
    }
    const { p50, p99 } = results[kind]!.latency;
    console.log(`  ${kind}: one durable step, task alone: p50 ${fixed(p50, 2)} ms, p99 ${fixed(p99, 2)} ms`);
  }
  const chainRate = (kind: StoreKind) => results[kind]!.runs.chain.steps / results[kind]!.runs.chain.seconds;
  for (const [kind, target] of [
    ['postgres', 0.5],
    ['sqlite', 0.6],
    ['redis-always', 0.6],
    ['redis', undefined],
  ] as const) {
    if (!results[kind]) continue;
    const ratio = fixed(chainRate(kind) / chainRate('memory'), 2);
    console.log(`  ${kind} chain / in-memory chain: ${ratio}${target === undefined ? '' : ` (target >= ${target})`}`);
  }
  if (COMPARE_EVENT_LOG) printEventLogCost(results);
  console.log(`pgbench single-row insert transactions (8 clients, synchronous_commit on): ${fixed(pgbench)} tps`);
  if (results.postgres) {
    console.log(
      `  Postgres chain steps/s / pgbench tps: ${fixed(chainRate('postgres') / pgbench, 2)} (target >= 0.5, stretch 1.0)`,
    );
  }
  console.log(`SQLite single-row insert transactions: ${fixed(sqlite)} per s`);
  if (results.sqlite)
    console.log(`  SQLite chain steps/s / SQLite inserts/s: ${fixed(chainRate('sqlite') / sqlite, 2)} (target >= 0.5)`);
  if (results.redis && results.postgres) {
    console.log(
      `  Redis chain steps/s / Postgres chain steps/s: ${fixed(chainRate('redis') / chainRate('postgres'), 2)} (target >= 1.5)`,
    );
  }
}

/**
 * The chain's steps/s and events/s with the event log on (the runs above) and off. A chain task logs two events
 * per step (started, completed) and two of its own (started, completed).
 */
function printEventLogCost(results: Partial<Record<StoreKind, StoreFigures>>): void {
  const stepsPerTask = WORKLOADS.chain.steps.length;
  const eventsPerStep = (2 * stepsPerTask + 2) / stepsPerTask;
  console.log('event log cost (chain):');
  for (const kind of KINDS) {
    const on = results[kind]!.runs.chain;
    const off = results[kind]!.chainWithoutLog!;
    const onRate = on.steps / on.seconds;
    const offRate = off.steps / off.seconds;
    console.log(
      `  ${kind.padEnd(13)} log on ${fixed(onRate).padStart(6)} steps/s (${fixed(onRate * eventsPerStep).padStart(6)} events/s)` +
        `  log off ${fixed(offRate).padStart(6)} steps/s (${fixed(offRate * eventsPerStep).padStart(6)} events/s)` +
        `  on / off ${fixed(onRate / offRate, 2)}`,
    );
  }
}

const [kind] = process.argv.slice(2) as [StoreKind | undefined];
if (kind) await child(kind);
else await main();
