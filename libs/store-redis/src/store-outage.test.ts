import { isCustomEvent, type EngineEvent, type Logger, type TransitionEvent } from '@tasker/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createRedisStore } from './create-redis-store.js';
import type { RedisStore } from './redis-store.js';
import { CHAIN_STEPS, createChainEngine, runChain } from './test-fixtures/chain-engine.js';
import { RedisServerProcess } from './testing/redis-server-process.js';
import { sleep, until } from './test-fixtures/until.js';

function spyLogger(): Logger {
  const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), child: () => logger };
  return logger;
}

describe('a Redis outage', () => {
  let server: RedisServerProcess | undefined;
  let store: RedisStore | undefined;
  let stopEngine: (() => Promise<void>) | undefined;

  afterAll(async () => {
    // A failed test may leave the server down, and the engine would wait for it to flush its writes.
    if (server && !server.running) await server.start().catch(() => undefined);
    await Promise.race([stopEngine?.(), sleep(5_000)]);
    await store?.close();
    await server?.dispose();
  });

  it('holds tasks while the server is down and completes each step exactly once after it returns', async () => {
    server = await RedisServerProcess.started();
    store = createRedisStore(server.url, { prefix: 'outage:' });
    const logger = spyLogger();
    const { engine, runs } = createChainEngine({ store, logger, stepDelayMs: 100 });
    stopEngine = () => engine.stop({ gracePeriodMs: 0 });
    const events: EngineEvent[] = [];
    engine.on('*', (event) => void events.push(event));
    await engine.start();
    const taskIds = await Promise.all(Array.from({ length: 20 }, (_, index) => runChain(engine, { index })));

    await until(() => events.filter((event) => event.type === 'step.completed').length >= 15);
    await server.kill('SIGKILL');
    // Handlers already running finish, but what they report cannot be committed.
    await sleep(300);
    const runsWhenDown = runs.length;
    const eventsWhenDown = events.length;
    await sleep(1_200);
    expect(runs.length).toBe(runsWhenDown);
    expect(events.length).toBe(eventsWhenDown);
    expect(events.filter((event) => event.type === 'task.completed').length).toBeLessThan(taskIds.length);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(Error) }),
      'store commit failed; retrying',
    );
    const down = engine.writeHealth();
    expect(down.consecutiveFailures).toBeGreaterThan(0);
    expect(down.failingSince).toBeLessThanOrEqual(Date.now() - 1_000);
    expect(down.oldestPendingWriteAgeMs).toBeGreaterThanOrEqual(1_000);

    await server.start();
    const finished = await Promise.all(taskIds.map((taskId) => engine.waitForTask(taskId, { timeoutMs: 15_000 })));
    const back = engine.writeHealth();
    expect(back).toMatchObject({ consecutiveFailures: 0, lostTasks: 0, rejectedWrites: 0 });
    expect(back.failingSince).toBeUndefined();
    expect(back.failedCommits).toBeGreaterThanOrEqual(down.consecutiveFailures);
    expect(finished.map((task) => task.state)).toEqual(taskIds.map(() => 'completed'));
    for (const taskId of taskIds) {
      const history = await engine.getHistory(taskId);
      const completed = history.filter((entry) => entry.stepName !== undefined && entry.to === 'completed');
      expect(completed.map((entry) => entry.stepName)).toEqual([...CHAIN_STEPS]);
      expect(runs.filter((run) => run.startsWith(`${taskId}:`))).toEqual(
        CHAIN_STEPS.map((step) => `${taskId}:${step}`),
      );
      // Every event was emitted after its transition was durable: none of them was lost with the server.
      const emitted = events.filter(
        (event): event is TransitionEvent => event.taskId === taskId && !isCustomEvent(event),
      );
      expect(emitted.map((event) => ['stepName' in event ? event.stepName : undefined, event.to])).toEqual(
        history.map((entry) => [entry.stepName, entry.to]),
      );
    }
  });
});
