import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStoreFromUrl, type TaskStore } from '@tasker/core';
import { freshPostgresDatabase } from '@tasker/store-knex/testing';
import { allTaskIds, executedSteps, startWorker } from './crash-run.js';
import { COMPENSATED_STEPS, undoOf } from './checkout-shape.js';

const TASKS = 100;
const dir = mkdtempSync(join(tmpdir(), 'tasker-compensation-crash-'));
const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** `taskId step` of every step the store holds as compensated. */
async function compensatedSteps(store: TaskStore): Promise<Set<string>> {
  const compensated = new Set<string>();
  for (const taskId of await allTaskIds(store)) {
    for (const step of await store.getSteps(taskId)) {
      if (step.state === 'compensated') compensated.add(`${taskId} ${undoOf(step.name)}`);
    }
  }
  return compensated;
}

describe('a worker killed with SIGKILL while its tasks compensate', () => {
  it('resumes every compensation on PostgreSQL, in order, and runs no recorded one again', async () => {
    const { url, drop } = await freshPostgresDatabase({ name: `tasker_comp_crash_${process.pid}_${Date.now()}` });
    cleanups.push(drop);
    const firstLog = join(dir, 'first.log');
    const secondLog = join(dir, 'second.log');
    // Short leases: a restarted worker takes back only as many of its own tasks as it has free slots at once; the
    // rest wait for their leases to expire.
    const worker = { target: url, workerId: 'crash', undo: true, leaseMs: 3_000 };
    const first = startWorker({ ...worker, executionLog: firstLog, create: TASKS });
    await first.running;
    // Killed once some compensations ran, and before most could.
    const killAfter = TASKS * (0.2 + Math.random() * 0.6);
    const undos = () => executedSteps(firstLog).filter((step) => step.endsWith(':undo')).length;
    while (undos() < killAfter) await new Promise((resolve) => setTimeout(resolve, 20));
    first.process.kill('SIGKILL');
    await first.exited;

    const store = await createStoreFromUrl(url);
    cleanups.push(() => store.close());
    const compensatedAtKill = await compensatedSteps(store);
    expect(compensatedAtKill.size).toBeGreaterThan(0);
    expect(compensatedAtKill.size).toBeLessThan(TASKS * COMPENSATED_STEPS.length);

    const second = startWorker({ ...worker, executionLog: secondLog });
    expect(await second.exited).toBe(0);
    expect(executedSteps(secondLog).filter((step) => compensatedAtKill.has(step))).toEqual([]);

    const ids = await allTaskIds(store);
    expect(ids).toHaveLength(TASKS);
    for (const taskId of ids) {
      expect((await store.getTask(taskId))?.state).toBe('failed');
      const steps = await store.getSteps(taskId);
      expect(steps.filter((step) => COMPENSATED_STEPS.includes(step.name)).map((step) => step.state)).toEqual([
        'compensated',
        'compensated',
      ]);
      const undone = (await store.getTransitions(taskId))
        .filter((entry) => entry.to === 'compensated')
        .map((entry) => entry.stepName);
      // Each recorded once, the inventory (which depends on the payment) first.
      expect(undone).toEqual(['update_inventory', 'process_payment']);
    }
  });
});
