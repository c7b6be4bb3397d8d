import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, createStoreFromUrl, silentLogger, type TaskStore } from '@tasker/core';
import { freshPostgresDatabase } from '@tasker/store-knex/testing';
import { allTaskIds, executedSteps, startWorker } from './crash-run.js';
import type { StoreTarget } from './store-target.js';
import { APPROVAL, registerWaiting } from './waiting-shape.js';

const TASKS = 200;
const SLEEP_MS = 1_500;
/** Short leases: a restarted worker takes back at once only as many of its old tasks as its first claim holds. */
const LEASE_MS = 3_000;
const dir = mkdtempSync(join(tmpdir(), 'tasker-waiting-crash-'));
const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Counts the tasks' steps in each state, e.g. `{ 'nap:waiting': 120, 'review:waiting': 80 }`. */
async function stepStates(store: TaskStore, ids: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const taskId of ids) {
    for (const step of await store.getSteps(taskId)) {
      const key = `${step.name}:${step.state}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * A worker creates tasks that sleep and then wait for a signal; half of them get their signal while it runs, it is
 * killed with SIGKILL while tasks sleep and wait, the other half get theirs while no worker runs, and a new worker
 * finishes them all: every task completed, each with its own signal's payload, no completed step run again.
 */
async function killWhileWaiting(target: StoreTarget, label: string): Promise<TaskStore> {
  const firstLog = join(dir, `${label}-first.log`);
  const secondLog = join(dir, `${label}-second.log`);
  const first = startWorker({
    target,
    executionLog: firstLog,
    workerId: 'waiter',
    create: TASKS,
    waitingSleepMs: SLEEP_MS,
    leaseMs: LEASE_MS,
  });
  await first.running;
  const store = await createStoreFromUrl(target);
  cleanups.push(() => store.close());
  // The test signals through an engine of its own, as an operator's CLI would.
  const operator = createEngine({ store, logger: silentLogger, operatorOnly: true });
  registerWaiting(operator, join(dir, `${label}-operator.log`), 'operator', SLEEP_MS);
  const ids = await allTaskIds(store);
  expect(ids).toHaveLength(TASKS);
  // Some tasks asleep, some waiting for their signal, before the first half is sent.
  while (((await stepStates(store, ids)).get('nap:waiting') ?? 0) === 0) await new Promise((r) => setTimeout(r, 20));
  const [early, late] = [ids.slice(0, TASKS / 2), ids.slice(TASKS / 2)];
  for (const taskId of early) await operator.signal(taskId, APPROVAL, { for: taskId });
  first.process.kill('SIGKILL');
  await first.exited;
  const atKill = await stepStates(store, ids);
  expect((atKill.get('nap:waiting') ?? 0) + (atKill.get('review:waiting') ?? 0)).toBeGreaterThan(0);
  for (const taskId of late) await operator.signal(taskId, APPROVAL, { for: taskId });
  const completedAtKill = new Set<string>();
  for (const taskId of ids) {
    for (const step of await store.getSteps(taskId))
      if (step.state === 'completed') completedAtKill.add(`${taskId} ${step.name}`);
  }

  const second = startWorker({
    target,
    executionLog: secondLog,
    workerId: 'waiter',
    waitingSleepMs: SLEEP_MS,
    leaseMs: LEASE_MS,
  });
  expect(await second.exited).toBe(0);
  expect(executedSteps(secondLog).filter((step) => completedAtKill.has(step))).toEqual([]);
  for (const taskId of ids) {
    expect((await store.getTask(taskId))?.state).toBe('completed');
    const steps = await store.getSteps(taskId);
    expect(steps.map((step) => step.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(steps[3]!.results).toEqual({ shipped: { for: taskId } });
    const history = await store.getTransitions(taskId);
    for (const step of steps) {
      expect(history.filter((entry) => entry.stepName === step.name && entry.to === 'completed')).toHaveLength(1);
    }
  }
  return store;
}

describe('a worker killed with SIGKILL while its tasks sleep and wait for signals', () => {
  it('loses none of them on SQLite: another worker finishes them all', async () => {
    await killWhileWaiting(`sqlite:${join(dir, 'waiting.sqlite')}`, 'sqlite');
  });

  it('loses none of them on PostgreSQL: another worker finishes them all', async () => {
    const { url, drop } = await freshPostgresDatabase({ name: `tasker_waiting_${process.pid}_${Date.now()}` });
    cleanups.push(drop);
    await killWhileWaiting(url, 'postgres');
  });
});
