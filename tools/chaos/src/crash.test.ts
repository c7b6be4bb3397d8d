import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStoreFromUrl, type TaskStore } from '@tasker/core';
import { freshPostgresDatabase } from '@tasker/store-knex/testing';
import { completedSteps, executedSteps, startWorker } from './crash-run.js';
import { CHECKOUT_STEPS } from './checkout-shape.js';
import { expectEveryTaskCompletedOnce } from './expect-completed-once.js';
import type { StoreTarget } from './store-target.js';
import { redisWithAppendOnly } from './servers.js';

const TASKS = 500;
const dir = mkdtempSync(join(tmpdir(), 'tasker-crash-'));
const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/**
 * Runs 500 checkout-shaped tasks in a worker process, kills it with SIGKILL at a random moment mid-run, resumes
 * in a new process on the same store, and checks that nothing was lost and no completed step ran again.
 */
async function crashAndResume(target: StoreTarget, label: string): Promise<TaskStore> {
  const firstLog = join(dir, `${label}-first.log`);
  const secondLog = join(dir, `${label}-second.log`);
  // The same worker id for both processes, as a restarted pod has: the second takes the first one's tasks at once.
  const first = startWorker({ target, executionLog: firstLog, workerId: 'crash', create: TASKS });
  await first.running;
  // Somewhere between a few and most of the handler runs of the first process.
  const killAfter = TASKS * (0.5 + Math.random() * 2);
  while (executedSteps(firstLog).length < killAfter) await new Promise((resolve) => setTimeout(resolve, 20));
  first.process.kill('SIGKILL');
  await first.exited;

  const store = await createStoreFromUrl(target);
  cleanups.push(() => store.close());
  const completedAtKill = await completedSteps(store);
  expect(completedAtKill.size).toBeGreaterThan(0);
  expect(completedAtKill.size).toBeLessThan(TASKS * CHECKOUT_STEPS.length);

  const second = startWorker({ target, executionLog: secondLog, workerId: 'crash' });
  expect(await second.exited).toBe(0);

  const ranAgain = executedSteps(secondLog).filter((step) => completedAtKill.has(step));
  expect(ranAgain).toEqual([]);
  return store;
}

describe('a worker killed with SIGKILL mid-run', () => {
  it('loses nothing and redoes no completed step on PostgreSQL', async () => {
    const { url, drop } = await freshPostgresDatabase({ name: `tasker_crash_${process.pid}_${Date.now()}` });
    cleanups.push(drop);
    await expectEveryTaskCompletedOnce(TASKS, await crashAndResume(url, 'postgres'));
  });

  it('loses nothing and redoes no completed step on SQLite', async () => {
    await expectEveryTaskCompletedOnce(TASKS, await crashAndResume(`sqlite:${join(dir, 'crash.sqlite')}`, 'sqlite'));
  });

  it('loses nothing and redoes no completed step on Redis with appendonly on', async () => {
    const server = await redisWithAppendOnly(join(dir, 'redis'));
    cleanups.push(server.stop);
    await expectEveryTaskCompletedOnce(TASKS, await crashAndResume(`${server.url}/?prefix=crash:`, 'redis'));
  });
});
