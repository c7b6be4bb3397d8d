import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStoreFromUrl, type TaskStore } from '@tasker/core';
import { freshPostgresDatabase } from '@tasker/store-knex/testing';
import { allTaskIds, handlerRuns, startWorker, type HandlerRun, type Worker } from './crash-run.js';
import { expectEveryTaskCompletedOnce } from './expect-completed-once.js';
import { redisWithAppendOnly } from './servers.js';
import type { StoreTarget } from './store-target.js';

const TASKS = 1_000;
const LEASE_MS = 2_000;
const dir = mkdtempSync(join(tmpdir(), 'tasker-workers-'));
const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Worker processes of one run, each with its own execution log. */
class Fleet {
  readonly logs: string[] = [];
  readonly running = new Map<string, Worker>();

  constructor(
    readonly target: StoreTarget,
    readonly label: string,
  ) {}

  async start(workerId: string, create?: number): Promise<Worker> {
    const executionLog = join(dir, `${this.label}-${workerId}.log`);
    this.logs.push(executionLog);
    const worker = startWorker({
      target: this.target,
      executionLog,
      workerId,
      leaseMs: LEASE_MS,
      ...(create === undefined ? {} : { create }),
    });
    this.running.set(workerId, worker);
    await worker.running;
    return worker;
  }

  runs(): HandlerRun[] {
    return this.logs.flatMap(handlerRuns);
  }

  async allExited(): Promise<Array<number | null>> {
    return Promise.all([...this.running.values()].map((worker) => worker.exited));
  }
}

/** `taskId step` of every step completed now, and when the store recorded it. */
async function completionTimes(store: TaskStore): Promise<Map<string, number>> {
  const completed = new Map<string, number>();
  for (const taskId of await allTaskIds(store)) {
    for (const entry of await store.getTransitions(taskId)) {
      if (entry.stepName !== undefined && entry.to === 'completed')
        completed.set(`${taskId} ${entry.stepName}`, entry.at);
    }
  }
  return completed;
}

/** A worker stopped with SIGSTOP, and when it was let go on. */
interface Frozen {
  workerId: string;
  resumedAt: number;
}

/**
 * How long after SIGCONT a frozen worker may still start a handler whose lease check it passed before the freeze:
 * the freeze can land between the check and the handler's first line, and nothing in a process can fence that gap
 * (docs/ENGINE.md, "Lapsed leases"); such a handler's writes are refused. Any later start would be a check that
 * failed to see the lapsed lease.
 */
const IN_FLIGHT_AT_FREEZE_MS = 2_000;

/**
 * No attempt of a step ran twice, in one worker or two, and no step's handler ran after it was completed, but for
 * the attempts a frozen worker had already started when it was stopped.
 */
async function expectNoHandlerRanTwice(fleet: Fleet, store: TaskStore, frozen?: Frozen): Promise<void> {
  const runs = fleet.runs();
  const attempts = runs.map((run) => `${run.taskId} ${run.step} ${run.attempt}`);
  expect(new Set(attempts).size).toBe(attempts.length);
  const completed = await completionTimes(store);
  const inFlightAtFreeze = (run: HandlerRun) =>
    frozen !== undefined && run.workerId === frozen.workerId && run.at - frozen.resumedAt < IN_FLIGHT_AT_FREEZE_MS;
  const late = runs.filter((run) => run.at > completed.get(`${run.taskId} ${run.step}`)! && !inFlightAtFreeze(run));
  expect(late).toEqual([]);
}

/**
 * Kills `victim` with SIGKILL, restarts it under a new worker id (so no one takes its leases back early), and
 * measures how long its unfinished tasks stay orphaned: from the kill until each ran a handler in another process.
 * Orphans wait for their leases to expire and then for a free slot, behind tasks that were due before them.
 */
async function killAndMeasureRecovery(fleet: Fleet, store: TaskStore, victim: string, restartAs: string) {
  const worker = fleet.running.get(victim)!;
  const victimLog = fleet.logs.find((log) => log.endsWith(`-${victim}.log`))!;
  const killedAt = Date.now();
  worker.process.kill('SIGKILL');
  await worker.exited;
  fleet.running.delete(victim);
  const unfinished = await unfinishedTaskIds(store);
  const orphaned = new Set(
    handlerRuns(victimLog)
      .map((run) => run.taskId)
      .filter((id) => unfinished.has(id)),
  );
  await fleet.start(restartAs);
  const resumedAt = new Map<string, number>();
  for (let checkedAt = Date.now(); resumedAt.size < orphaned.size; await sleep(50)) {
    for (const run of fleet.runs()) {
      if (orphaned.has(run.taskId) && run.at > killedAt && !resumedAt.has(run.taskId))
        resumedAt.set(run.taskId, run.at);
    }
    if (Date.now() - checkedAt > 1_000) {
      // A task another worker finished with a handler that ran before the kill, its commit landing after the list
      // of unfinished tasks was read, was never orphaned: no handler of it is left to run.
      const unfinishedNow = await unfinishedTaskIds(store);
      for (const taskId of orphaned) if (!resumedAt.has(taskId) && !unfinishedNow.has(taskId)) orphaned.delete(taskId);
      checkedAt = Date.now();
    }
    if (Date.now() - killedAt > 60_000)
      throw new Error(`${orphaned.size - resumedAt.size} orphaned tasks never resumed`);
  }
  const recoveryMs = Math.max(0, ...[...resumedAt.values()].map((at) => at - killedAt));
  console.log(
    `${fleet.label}: killed ${victim} holding ${orphaned.size} unfinished tasks; all resumed ${recoveryMs} ms after the kill (lease ${LEASE_MS} ms)`,
  );
}

async function unfinishedTaskIds(store: TaskStore): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await store.listTasks({
      state: ['pending', 'in_progress'],
      limit: 500,
      ...(cursor ? { cursor } : {}),
    });
    for (const task of page.tasks) ids.add(task.id);
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

async function waitForRuns(fleet: Fleet, count: number): Promise<void> {
  while (fleet.runs().length < count) await sleep(20);
}

/**
 * Three workers share 1,000 checkout-shaped tasks (handlers failing transiently 15% of the time); one of them is
 * killed twice at random moments and restarted. Nothing is lost, nothing runs twice, every lease is released.
 */
async function threeWorkersWithKills(target: StoreTarget, label: string): Promise<void> {
  const fleet = new Fleet(target, label);
  await fleet.start('w1', TASKS);
  await Promise.all([fleet.start('w2'), fleet.start('w3')]);
  const store = await createStoreFromUrl(target);
  cleanups.push(() => store.close());

  await waitForRuns(fleet, TASKS * (0.5 + Math.random()));
  await killAndMeasureRecovery(fleet, store, 'w2', 'w2-second');
  await waitForRuns(fleet, TASKS * (2.5 + Math.random()));
  await killAndMeasureRecovery(fleet, store, 'w2-second', 'w2-third');

  expect(await fleet.allExited()).toEqual([0, 0, 0]);
  await expectEveryTaskCompletedOnce(TASKS, store);
  await expectNoHandlerRanTwice(fleet, store);
  expect(await store.listWorkers(0)).toEqual([]);
}

/**
 * A worker frozen with SIGSTOP past its lease loses its tasks to the others; resumed with SIGCONT, its writes are
 * refused by their fencing tokens and its handlers do not start: the new owners' progress stands.
 */
async function frozenWorker(target: StoreTarget, label: string): Promise<void> {
  const fleet = new Fleet(target, label);
  const frozen = await fleet.start('frozen', 300);
  await fleet.start('other');
  const store = await createStoreFromUrl(target);
  cleanups.push(() => store.close());
  await waitForRuns(fleet, 150);
  frozen.process.kill('SIGSTOP');
  await sleep(LEASE_MS * 2);
  // At least two leases long, and until the other worker has taken over something: on a loaded host its first
  // claim after the leases lapse can come later than that, and a worker resumed before it would prove nothing.
  const byOthers = () => fleet.runs().filter((run) => run.workerId === 'other').length;
  for (const frozenAt = Date.now(); byOthers() === 0; await sleep(50)) {
    if (Date.now() - frozenAt > 30_000) throw new Error('the other worker took over no task of the frozen one');
  }
  frozen.process.kill('SIGCONT');
  const resumedAt = Date.now();

  expect(await fleet.allExited()).toEqual([0, 0]);
  await expectEveryTaskCompletedOnce(300, store);
  await expectNoHandlerRanTwice(fleet, store, { workerId: 'frozen', resumedAt });
  expect(await store.listWorkers(0)).toEqual([]);
}

/**
 * SIGTERM stops a worker gracefully: it claims nothing more, lets its running steps finish (none of them counts as
 * interrupted), releases its leases and exits 0; the other worker finishes the rest at once.
 */
async function terminatedWorker(target: StoreTarget, label: string): Promise<void> {
  const fleet = new Fleet(target, label);
  const leaving = await fleet.start('leaving', 300);
  const store = await createStoreFromUrl(target);
  cleanups.push(() => store.close());
  await waitForRuns(fleet, 100);
  await fleet.start('staying');
  const terminatedAt = Date.now();
  leaving.process.kill('SIGTERM');
  expect(await leaving.exited).toBe(0);
  const exitMs = Date.now() - terminatedAt;
  expect((await store.listWorkers(0)).map((worker) => worker.workerId)).not.toContain('leaving');
  expect(await fleet.allExited()).toEqual([0, 0]);
  await expectEveryTaskCompletedOnce(300, store);
  await expectNoHandlerRanTwice(fleet, store);
  const interrupted = [];
  for (const taskId of await allTaskIds(store)) {
    for (const entry of await store.getTransitions(taskId))
      if (entry.error?.code === 'ATTEMPT_INTERRUPTED') interrupted.push(entry);
  }
  expect(interrupted).toEqual([]);
  console.log(`${label}: SIGTERM to exit ${exitMs} ms, no attempt interrupted`);
}

describe('several worker processes on PostgreSQL', () => {
  it('complete 1,000 tasks through two SIGKILLs of one worker, each step once', async () => {
    const { url, drop } = await freshPostgresDatabase({ name: `tasker_workers_${process.pid}_${Date.now()}` });
    cleanups.push(drop);
    await threeWorkersWithKills(url, 'postgres');
  });

  it('fence off a worker frozen past its lease', async () => {
    const { url, drop } = await freshPostgresDatabase({ name: `tasker_frozen_${process.pid}_${Date.now()}` });
    cleanups.push(drop);
    await frozenWorker(url, 'postgres-frozen');
  });

  it('hand their tasks over on SIGTERM, finishing running steps first', async () => {
    const { url, drop } = await freshPostgresDatabase({ name: `tasker_sigterm_${process.pid}_${Date.now()}` });
    cleanups.push(drop);
    await terminatedWorker(url, 'postgres-sigterm');
  });
});

describe('several worker processes on Redis', () => {
  it('complete 1,000 tasks through two SIGKILLs of one worker, each step once', async () => {
    const server = await redisWithAppendOnly(join(dir, 'redis-kills'));
    cleanups.push(server.stop);
    await threeWorkersWithKills(`${server.url}/?prefix=workers:`, 'redis');
  });

  it('fence off a worker frozen past its lease', async () => {
    const server = await redisWithAppendOnly(join(dir, 'redis-frozen'));
    cleanups.push(server.stop);
    await frozenWorker(`${server.url}/?prefix=frozen:`, 'redis-frozen');
  });

  it('hand their tasks over on SIGTERM, finishing running steps first', async () => {
    const server = await redisWithAppendOnly(join(dir, 'redis-sigterm'));
    cleanups.push(server.stop);
    await terminatedWorker(`${server.url}/?prefix=sigterm:`, 'redis-sigterm');
  });
});
