import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStoreFromUrl } from '@tasker/core';
import { freshPostgresDatabase } from '@tasker/store-knex/testing';
import { allTaskIds, handlerRuns, startWorker } from './crash-run.js';

const ITEMS = 600;
const LEASE_MS = 3_000;
const dir = mkdtempSync(join(tmpdir(), 'tasker-map-crash-'));
const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('a worker killed with SIGKILL in the middle of a map step', () => {
  it('on PostgreSQL, another worker runs only the items not completed, and the step gets every result in order', async () => {
    const { url, drop } = await freshPostgresDatabase({ name: `tasker_map_crash_${process.pid}_${Date.now()}` });
    cleanups.push(drop);
    const firstLog = join(dir, 'first.log');
    const secondLog = join(dir, 'second.log');
    const first = startWorker({
      target: url,
      executionLog: firstLog,
      workerId: 'mapper',
      create: 1,
      mapItems: ITEMS,
      leaseMs: LEASE_MS,
    });
    await first.running;
    const store = await createStoreFromUrl(url);
    cleanups.push(() => store.close());
    const [taskId] = await allTaskIds(store);
    // Some items done, most not, when the kill lands.
    while (((await store.countStepItems(taskId!, 'fan_out')).completed ?? 0) < 50) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    first.process.kill('SIGKILL');
    await first.exited;
    const atKill = await store.getStepItems(taskId!, 'fan_out');
    const completedAtKill = new Set(atKill.filter((item) => item.state === 'completed').map((item) => item.index));
    expect(completedAtKill.size).toBeGreaterThan(0);
    expect(completedAtKill.size).toBeLessThan(ITEMS);

    const second = startWorker({
      target: url,
      executionLog: secondLog,
      workerId: 'mapper',
      mapItems: ITEMS,
      leaseMs: LEASE_MS,
    });
    expect(await second.exited).toBe(0);
    const [after] = await store.getSteps(taskId!);
    expect([(await store.getTask(taskId!))?.state, after!.state, after!.error?.message]).toEqual([
      'completed',
      'completed',
      undefined,
    ]);
    const rerun = handlerRuns(secondLog).map((run) => Number(run.step.slice('item:'.length)));
    expect(rerun.filter((index) => completedAtKill.has(index))).toEqual([]);
    // Every item not completed at the kill ran in the second worker, once.
    expect(new Set(rerun).size).toBe(ITEMS - completedAtKill.size);
    expect(rerun).toHaveLength(ITEMS - completedAtKill.size);
    const [step] = await store.getSteps(taskId!);
    expect((await store.getTask(taskId!))?.state).toBe('completed');
    expect(step!.results).toEqual(Array.from({ length: ITEMS }, (_, index) => index * 2));
    expect(await store.countStepItems(taskId!, 'fan_out')).toEqual({ completed: ITEMS });
  }, 120_000);
});
