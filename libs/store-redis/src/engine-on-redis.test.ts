import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStore } from './create-redis-store.js';
import { CHAIN_STEPS, createChainEngine, runChain } from './test-fixtures/chain-engine.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from './test-fixtures/test-redis.js';

const prefix = uniquePrefix();

afterAll(async () => {
  await deleteKeys(TEST_REDIS_URL, [prefix]);
});

describe('an engine on Redis', () => {
  it('runs a chain of three steps to completion, and a new engine on a new store reads it back', async () => {
    const store = createRedisStore(TEST_REDIS_URL, { prefix });
    await store.migrate();
    const { engine, runs } = createChainEngine({ store });
    await engine.start();
    const taskId = await runChain(engine, { order: 42 });
    const finished = await engine.waitForTask(taskId, { timeoutMs: 10_000 });
    const history = await engine.getHistory(taskId);
    await engine.stop();
    await store.close();

    expect(finished.state).toBe('completed');
    expect(runs).toEqual(CHAIN_STEPS.map((step) => `${taskId}:${step}`));
    expect(finished.steps.map((step) => [step.name, step.state, step.results])).toEqual(
      CHAIN_STEPS.map((step) => [step, 'completed', { step }]),
    );

    const reopened = createRedisStore(TEST_REDIS_URL, { prefix });
    const { engine: second, runs: secondRuns } = createChainEngine({ store: reopened });
    await second.start();
    expect(await second.getTask(taskId)).toEqual(finished);
    expect(await second.getHistory(taskId)).toEqual(history);
    expect(history.filter((entry) => entry.to === 'completed').map((entry) => entry.stepName)).toEqual([
      ...CHAIN_STEPS,
      undefined,
    ]);
    expect(second.activeTaskCount).toBe(0);
    expect(secondRuns).toEqual([]);
    await second.stop();
    await reopened.close();
  });
});
