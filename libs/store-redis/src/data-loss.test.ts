import type { EngineEvent, Logger } from '@tasker/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createRedisStore } from './create-redis-store.js';
import type { RedisStore } from './redis-store.js';
import { createChainEngine, runChain } from './test-fixtures/chain-engine.js';
import { RedisServerProcess } from './testing/redis-server-process.js';
import { until } from './test-fixtures/until.js';

describe('a Redis that loses its data', () => {
  let server: RedisServerProcess | undefined;
  let store: RedisStore | undefined;
  let stopEngine: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await stopEngine?.();
    await store?.close();
    await server?.dispose();
  });

  it('reports its running and waiting tasks lost (error log, task.lost, writeHealth) and serves new tasks', async () => {
    // A server of this test's own: FLUSHDB on the shared one would wipe other tests' keys.
    server = await RedisServerProcess.started();
    store = createRedisStore(server.url, { prefix: 'loss:' });
    await store.migrate();
    const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), child: () => logger };
    // Short leases, renewed every 300 ms; no passivation, so that a task waiting for its retry stays held.
    const { engine, runs } = createChainEngine({
      store,
      logger,
      stepDelayMs: 300,
      leaseMs: 900,
      passivateAfterMs: 600_000,
    });
    engine.registerHandler('later', () => {
      throw new Error('try again in a minute');
    });
    engine.registerTemplate({
      namespace: 'test',
      name: 'later',
      version: '1.0.0',
      steps: [{ name: 'later', handler: 'later', backoff: { baseMs: 60_000, jitter: 0 } }],
    });
    stopEngine = () => engine.stop({ gracePeriodMs: 0 });
    const events: EngineEvent[] = [];
    engine.on('*', (event) => void events.push(event));
    await engine.start();
    const waiting = (await engine.runTask({ namespace: 'test', name: 'later', context: {} })).taskId;
    await until(() => events.some((event) => event.type === 'step.retry_scheduled'));
    const lostIds = [waiting, ...(await Promise.all([1, 2, 3].map((index) => runChain(engine, { index }))))];
    // Every first handler runs: its start is durable, and its result will be written to a task that is gone.
    await until(() => runs.length === 3);
    const admin = new Redis(server.url);
    await admin.flushdb();
    admin.disconnect();

    // The running tasks are found lost by the commit of their results, the waiting one by its lease's renewal.
    await until(() => events.filter((event) => event.type === 'task.lost').length === 4);
    expect(new Set(events.filter((event) => event.type === 'task.lost').map((event) => event.taskId))).toEqual(
      new Set(lostIds),
    );
    expect(events.find((event) => event.type === 'task.lost')?.error?.code).toBe('TASK_LOST');
    expect(engine.writeHealth()).toMatchObject({ lostTasks: 4, consecutiveFailures: 0 });
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ taskId: lostIds[0] }),
      expect.stringMatching(/^task lost: the store no longer holds it/),
    );
    expect(engine.activeTaskCount).toBe(0);

    const next = await runChain(engine, { index: 4 });
    expect((await engine.waitForTask(next, { timeoutMs: 10_000 })).state).toBe('completed');
  });
});
