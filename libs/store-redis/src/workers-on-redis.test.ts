import type { Engine } from '@tasker/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { RedisStore } from './redis-store.js';
import { CHAIN_STEPS, createChainEngine, runChain, type RunLog } from './test-fixtures/chain-engine.js';
import { TestStores } from './test-fixtures/test-stores.js';
import { uniquePrefix } from './test-fixtures/test-redis.js';
import { sleep } from './test-fixtures/until.js';

/** Far beyond any test's length: a worker that claims in time was woken by a store notification, not its poll. */
const NO_POLLING_MS = 600_000;

const stores = new TestStores();
const engines: Engine[] = [];

afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.stop({ gracePeriodMs: 0 })));
  await stores.cleanUp();
});

/** A worker process as these tests model one: a chain engine on its own connection to the shared prefix. */
function worker(prefix: string, workerId: string, options: { concurrency?: number; stepDelayMs?: number } = {}) {
  const store = stores.open(prefix);
  const { engine, runs } = createChainEngine({ store, workerId, pollIntervalMs: NO_POLLING_MS, ...options });
  engines.push(engine);
  return { store, engine, runs };
}

async function allCompleted(store: RedisStore, taskIds: readonly string[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tasks = await Promise.all(taskIds.map((taskId) => store.getTask(taskId)));
    if (tasks.every((task) => task?.state === 'completed')) return;
    if (Date.now() > deadline) throw new Error(`tasks not completed within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Every step of every task ran exactly once, whichever worker ran it. */
function expectEachStepRanOnce(runs: RunLog, taskIds: readonly string[]): void {
  expect([...runs].sort()).toEqual(taskIds.flatMap((taskId) => CHAIN_STEPS.map((step) => `${taskId}:${step}`)).sort());
}

describe('workers on one Redis', () => {
  it("wakes idle workers by pub/sub to share an API process's tasks, each step run once, no lease left", async () => {
    const prefix = uniquePrefix();
    const api = worker(prefix, 'api');
    const one = worker(prefix, 'one', { concurrency: 3, stepDelayMs: 10 });
    const two = worker(prefix, 'two', { concurrency: 3, stepDelayMs: 10 });
    await Promise.all([one.engine.start(), two.engine.start()]);
    // The API engine is not started: it stores the tasks unleased, for the workers to claim.
    const taskIds = await Promise.all(Array.from({ length: 12 }, (_, index) => runChain(api.engine, { index })));
    await allCompleted(api.store, taskIds);
    expectEachStepRanOnce([...one.runs, ...two.runs], taskIds);
    expect(one.runs.length).toBeGreaterThan(0);
    expect(two.runs.length).toBeGreaterThan(0);
    expect(api.runs).toEqual([]);
    expect(await api.store.listWorkers(Date.now())).toEqual([]);
  });

  it('hands the tasks of a worker that stops over to another at once, by releasing their leases', async () => {
    const prefix = uniquePrefix();
    const leaving = worker(prefix, 'leaving', { stepDelayMs: 150 });
    const staying = worker(prefix, 'staying');
    await leaving.engine.start();
    const taskIds = await Promise.all(Array.from({ length: 4 }, (_, index) => runChain(leaving.engine, { index })));
    await staying.engine.start();
    await sleep(50);
    const stopped = Date.now();
    await leaving.engine.stop({ gracePeriodMs: 1_000 });
    await allCompleted(staying.store, taskIds);
    // Well within the 30 s lease: the leases were released, not left to expire.
    expect(Date.now() - stopped).toBeLessThan(5_000);
    expectEachStepRanOnce([...leaving.runs, ...staying.runs], taskIds);
    expect(leaving.runs.filter((run) => run.endsWith(':reserve'))).toHaveLength(4);
    expect(staying.runs.filter((run) => run.endsWith(':ship'))).toHaveLength(4);
  });

  it('refuses the write of a worker whose lease another worker took, and the worker drops the task', async () => {
    const prefix = uniquePrefix();
    const paused = worker(prefix, 'paused', { stepDelayMs: 300 });
    await paused.engine.start();
    const taskId = await runChain(paused.engine);
    await sleep(100);
    // As if `paused` had stalled past its lease: another worker claims the task with a later clock.
    const later = Date.now() + 60_000;
    const [taken] = (await paused.store.claimTasks({ workerId: 'other', now: later, until: later + 30_000, limit: 1 }))
      .leases;
    expect(taken).toEqual({ taskId, token: 2 });
    await sleep(500);
    expect(paused.runs).toEqual([`${taskId}:reserve`]);
    expect(paused.engine.activeTaskCount).toBe(0);
    const steps = await paused.store.getSteps(taskId);
    expect(steps.find((step) => step.name === 'reserve')?.state).not.toBe('completed');
    expect((await paused.store.getTransitions(taskId)).some((entry) => entry.to === 'completed')).toBe(false);
  });
});
