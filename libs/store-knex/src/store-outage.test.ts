import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Logger } from '@tasker/core';
import { deferred } from '@tasker/core/testing';
import { createKnexStore } from './index.js';
import { chainEngine, runChain } from './test-fixtures/chain-engine.js';
import { startPrivatePostgres, type PrivatePostgres } from './testing/private-postgres.js';

const TASKS = 8;

describe('a PostgreSQL outage', () => {
  let server: PrivatePostgres | undefined;
  beforeAll(async () => {
    server = await startPrivatePostgres();
  }, 30_000);
  afterAll(async () => {
    await server?.destroy();
  });

  it('holds the engine while the server is down, loses nothing, and completes every step exactly once when it returns', async () => {
    const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), child: () => logger };
    const calls = { a: 0, b: 0, c: 0 };
    const allInB = deferred();
    const release = deferred();
    // knex logs every broken connection to the console; the engine's logger spy is what this test reads.
    const quiet = { warn: () => undefined, error: () => undefined, debug: () => undefined, deprecate: () => undefined };
    const store = createKnexStore({ client: 'pg', connection: server!.url, log: quiet });
    const engine = chainEngine(
      { store, logger },
      {
        a: () => ++calls.a,
        b: async (ctx) => {
          if (++calls.b === TASKS) allInB.resolve();
          await release.promise;
          return { paid: ctx.task.context.order ?? null };
        },
        c: () => ++calls.c,
      },
    );
    try {
      await engine.start();
      const ids = await Promise.all(Array.from({ length: TASKS }, (_, order) => runChain(engine, { order })));
      // Each step's start is durable before its handler runs, so the write queue is idle once every b is running.
      await allInB.promise;
      await server!.crash();
      release.resolve();

      await vi.waitFor(
        () =>
          expect(logger.warn).toHaveBeenCalledWith(
            expect.objectContaining({ failures: 2 }),
            'store commit failed; retrying',
          ),
        {
          timeout: 5_000,
        },
      );
      await sleep(300);
      expect(calls.c).toBe(0);
      const down = engine.writeHealth();
      expect(down.consecutiveFailures).toBeGreaterThanOrEqual(2);
      expect(down.failingSince).toBeLessThan(Date.now());
      expect(down.oldestPendingWriteAgeMs).toBeGreaterThanOrEqual(300);

      await server!.start();
      const done = await Promise.all(ids.map((id) => engine.waitForTask(id, { timeoutMs: 15_000 })));
      expect(engine.writeHealth()).toMatchObject({ consecutiveFailures: 0, lostTasks: 0, rejectedWrites: 0 });
      expect(engine.writeHealth().failingSince).toBeUndefined();
      expect(done.map((task) => task.state)).toEqual(ids.map(() => 'completed'));
      expect(done.map((task) => task.steps.find((step) => step.name === 'b')?.results)).toEqual(
        ids.map((_, order) => ({ paid: order })),
      );
      expect(calls).toEqual({ a: TASKS, b: TASKS, c: TASKS });
      for (const id of ids) {
        const completed = (await engine.getHistory(id))
          .filter((entry) => entry.to === 'completed')
          .map((entry) => entry.stepName ?? 'task');
        expect(completed).toEqual(['a', 'b', 'c', 'task']);
      }
    } finally {
      await engine.stop({ gracePeriodMs: 0 });
      await store.close();
    }
  });
});
