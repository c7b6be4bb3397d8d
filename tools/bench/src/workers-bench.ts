/**
 * Many workers on one store (issue 5), printed, not asserted:
 * - scaling: 1, 2 and 4 worker processes drain N five-step chains on PostgreSQL, on Redis and on a three-master
 *   Redis Cluster started for the run: steps/s and the
 *   ratio to one worker (the database shares this machine's cores with the workers), and where the time went: the
 *   workers' and the server's CPU per step, how many cores were busy, WAL bytes and commits per step, and what
 *   PostgreSQL's running statements waited on (pg_stat_activity sampled every 25 ms; pg_stat_statements needs a
 *   server preloaded with it, which a user's may not be);
 * - wake-up: from a task stored by a process that does not run work to its first step starting in an idle worker
 *   (LISTEN/NOTIFY or pub/sub; the poll interval is 2 s);
 * - recovery: a worker holding tasks is killed with SIGKILL; the time until another worker resumed all of them,
 *   with a 5 s lease (target: lease + 1 s);
 * - passivation: 100,000 tasks waiting on a one-hour retry in PostgreSQL, the worker's peak RSS (target < 300 MB),
 *   and 100,000 waiting inside a step (for a signal, or in a day-long sleep), its peak RSS (same target),
 *   then the rehydration of 10,000 of them when due (target < 10 s).
 *
 *   npm run bench:workers
 *   BENCH_TASKS=500 BENCH_WAITING=10000 BENCH_DUE=1000 npm run bench:workers
 *   BENCH_ONLY=wakeup,passivation npm run bench:workers
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createEngine } from '@tasker/core';
import { openBenchStore, type BenchStore, type StoreKind } from './bench-stores.js';
import { inChild } from './in-child.js';
import { percentile } from './measure.js';
import { forkWorkers, go, type BenchWorker } from './workers/fleet.js';
import type { PassivationFigures, PassivationPlan } from './workers/passivation-process.js';
import { sampleServer, type ServerLoad } from './workers/server-load.js';
import { BENCH_TEMPLATE, type WorkerMessage } from './workers/worker-protocol.js';

const TASKS = Number(process.env.BENCH_TASKS ?? 2_000);
const WAITING = Number(process.env.BENCH_WAITING ?? 100_000);
const DUE = Number(process.env.BENCH_DUE ?? 10_000);
const RECOVERY_LEASE_MS = 5_000;
const SECTIONS = new Set((process.env.BENCH_ONLY ?? 'scaling,wakeup,recovery,passivation').split(','));
const PASSIVATION = fileURLToPath(new URL('./workers/passivation-process.ts', import.meta.url));

/** Stores `count` chains that no worker holds yet, through an engine that is not started. */
async function createUnclaimed(bench: BenchStore, count: number): Promise<string[]> {
  const engine = createEngine({ store: bench.store }).registerHandler('work', () => null);
  engine.registerTemplate(BENCH_TEMPLATE);
  const ids: string[] = [];
  for (let first = 0; first < count; first += 500) {
    const batch = Array.from({ length: Math.min(500, count - first) }, () =>
      engine.runTask({ namespace: 'bench', name: 'workers', context: {} }),
    );
    ids.push(...(await Promise.all(batch)).map((result) => result.taskId));
  }
  return ids;
}

/** One drain: its throughput, the workers' CPU and the database server's load over it. */
interface Drain {
  stepsPerSecond: number;
  steps: number;
  seconds: number;
  workerCpuSeconds: number;
  server: ServerLoad;
}

async function drainWith(kind: StoreKind, workers: number): Promise<Drain> {
  const bench = await openBenchStore(kind);
  try {
    await createUnclaimed(bench, TASKS);
    const fleet = await forkWorkers(
      Array.from({ length: workers }, (_, index) => ({
        location: bench.location,
        workerId: `w${index + 1}`,
        mode: 'drain' as const,
        concurrency: 50,
      })),
    );
    const sampler = await sampleServer(bench.location);
    go(fleet);
    await Promise.all(fleet.map((worker) => worker.exited));
    const server = await sampler.stop();
    const drained = fleet.flatMap((worker) => worker.messages.filter((message) => message.type === 'drained'));
    const seconds =
      (Math.max(...drained.map((m) => m.finishedAt)) - Math.min(...drained.map((m) => m.startedAt))) / 1000;
    const steps = drained.reduce((sum, message) => sum + message.steps, 0);
    const workerCpuSeconds = drained.reduce((sum, message) => sum + message.cpuMs, 0) / 1000;
    return { stepsPerSecond: steps / seconds, steps, seconds, workerCpuSeconds, server };
  } finally {
    await bench.dispose();
  }
}

/** Where one drain's time went: CPU per step of the workers and of the server, and the server's waits. */
function describeLoad(drain: Drain): string {
  const perStep = (seconds: number) => `${((seconds * 1000) / drain.steps).toFixed(2)} ms`;
  const cores = (drain.workerCpuSeconds + drain.server.cpuSeconds) / drain.seconds;
  const parts = [
    `workers CPU ${perStep(drain.workerCpuSeconds)}/step`,
    `server CPU ${perStep(drain.server.cpuSeconds)}/step`,
    `${cores.toFixed(2)} of the ${os.cpus().length} cores used by this run`,
  ];
  const { walBytes, meanActive, waits, operations } = drain.server;
  if (walBytes !== undefined) {
    parts.push(
      `WAL ${(walBytes / drain.steps).toFixed(0)} B/step`,
      `${(operations / drain.steps).toFixed(2)} commits/step`,
    );
  } else {
    parts.push(`${(operations / drain.steps).toFixed(2)} commands/step`);
  }
  if (meanActive !== undefined && waits !== undefined) {
    const top = Object.entries(waits)
      .slice(0, 4)
      .map(([wait, share]) => `${wait} ${(share * 100).toFixed(0)}%`)
      .join(', ');
    parts.push(`${meanActive.toFixed(1)} statements running on average (${top})`);
  }
  return parts.join('; ');
}

async function scaling(kind: StoreKind): Promise<void> {
  let one: number | undefined;
  for (const workers of [1, 2, 4]) {
    const drain = await drainWith(kind, workers);
    one ??= drain.stepsPerSecond;
    console.log(
      `  ${kind}, ${workers} worker${workers > 1 ? 's' : ' '}: ${drain.stepsPerSecond.toFixed(0).padStart(6)} steps/s, ${(drain.stepsPerSecond / one).toFixed(2)}x one worker`,
    );
    console.log(`    ${describeLoad(drain)}`);
  }
}

/** The attempts a `slow` worker reported starting. */
function attemptsOf(worker: BenchWorker): Array<Extract<WorkerMessage, { type: 'attempt' }>> {
  return worker.messages.filter((message) => message.type === 'attempt');
}

async function wakeUpLatency(kind: StoreKind): Promise<void> {
  const bench = await openBenchStore(kind);
  try {
    const [worker] = await forkWorkers([{ location: bench.location, workerId: 'idle', mode: 'slow', concurrency: 10 }]);
    go([worker!]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const latencies: number[] = [];
    for (let sample = 0; sample < 50; sample++) {
      const createdAt = Date.now();
      const [taskId] = await createUnclaimed(bench, 1);
      let started: number | undefined;
      while (started === undefined) {
        started = attemptsOf(worker!).find((attempt) => attempt.taskId === taskId)?.at;
        await new Promise((resolve) => setImmediate(resolve));
      }
      latencies.push(started - createdAt);
      // Let the task finish, so the next sample finds the worker idle.
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `  ${kind}: stored -> first step started in an idle worker: p50 ${percentile(latencies, 0.5)} ms, p99 ${percentile(latencies, 0.99)} ms (poll interval 2000 ms)`,
    );
    worker!.process.kill('SIGKILL');
    await worker!.exited;
  } finally {
    await bench.dispose();
  }
}

async function recovery(kind: StoreKind): Promise<void> {
  const bench = await openBenchStore(kind);
  try {
    await createUnclaimed(bench, 300);
    const plan = { location: bench.location, mode: 'slow' as const, leaseMs: RECOVERY_LEASE_MS, stepMs: 400 };
    const [victim, rescuer] = await forkWorkers([
      { ...plan, workerId: 'victim', concurrency: 100 },
      { ...plan, workerId: 'rescuer', concurrency: 400 },
    ]);
    go([victim!]);
    while (new Set(attemptsOf(victim!).map((attempt) => attempt.taskId)).size < 100)
      await new Promise((resolve) => setTimeout(resolve, 20));
    go([rescuer!]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const killedAt = Date.now();
    victim!.process.kill('SIGKILL');
    await victim!.exited;
    const held = new Set(attemptsOf(victim!).map((attempt) => attempt.taskId));
    const orphaned = new Set<string>();
    for (const taskId of held) if ((await bench.store.getTask(taskId))?.state !== 'completed') orphaned.add(taskId);
    const resumed = new Map<string, number>();
    while (resumed.size < orphaned.size) {
      for (const attempt of attemptsOf(rescuer!))
        if (orphaned.has(attempt.taskId) && attempt.at > killedAt && !resumed.has(attempt.taskId))
          resumed.set(attempt.taskId, attempt.at);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const lastMs = Math.max(...resumed.values()) - killedAt;
    console.log(
      `  ${kind}: ${orphaned.size} orphaned tasks all resumed ${lastMs} ms after SIGKILL (lease ${RECOVERY_LEASE_MS} ms; target <= ${RECOVERY_LEASE_MS + 1_000} ms)`,
    );
    rescuer!.process.kill('SIGKILL');
    await rescuer!.exited;
  } finally {
    await bench.dispose();
  }
}

async function passivation(): Promise<void> {
  const bench = await openBenchStore('postgres');
  try {
    const plan: Omit<PassivationPlan, 'phase'> = { location: bench.location, tasks: WAITING, dueTasks: DUE };
    const park = await inChildAt<PassivationFigures>(PASSIVATION, { ...plan, phase: 'park' });
    console.log(
      `  ${WAITING} tasks parked on a 1-2 h retry in ${park.seconds.toFixed(1)} s; worker peak RSS ${park.peakRssMb.toFixed(0)} MB (target < 300 MB)`,
    );
    const wake = await inChildAt<PassivationFigures>(PASSIVATION, { ...plan, phase: 'wake' });
    console.log(
      `  ${wake.completed} due tasks rehydrated and completed in ${wake.seconds.toFixed(1)} s (target < 10 s); peak RSS ${wake.peakRssMb.toFixed(0)} MB`,
    );
    const wait = await inChildAt<PassivationFigures>(PASSIVATION, { ...plan, phase: 'wait' });
    console.log(
      `  ${WAITING} tasks waiting in a step (half for a signal, half in a day-long sleep) passivated in ${wait.seconds.toFixed(1)} s; worker peak RSS ${wait.peakRssMb.toFixed(0)} MB (target < 300 MB)`,
    );
  } finally {
    await bench.dispose();
  }
}

function inChildAt<T>(script: string, plan: PassivationPlan): Promise<T> {
  return inChild<T>(new URL(`file://${script}`).href, [JSON.stringify(plan)]);
}

console.log(
  `Tasker workers: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString()}`,
);
if (SECTIONS.has('scaling')) {
  console.log(`Scaling: ${TASKS} five-step chains drained by worker processes of 50 slots each`);
  await scaling('postgres');
  await scaling('redis');
  await scaling('redis-cluster');
}
if (SECTIONS.has('wakeup')) {
  console.log('Wake-up of idle workers');
  await wakeUpLatency('postgres');
  await wakeUpLatency('redis');
}
if (SECTIONS.has('recovery')) {
  console.log('Recovery from SIGKILL');
  await recovery('postgres');
  await recovery('redis');
}
if (SECTIONS.has('passivation')) {
  console.log('Passivation on PostgreSQL');
  await passivation();
}
process.exit(0);
