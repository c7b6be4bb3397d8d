import { createEngine, createMemoryStore, type Engine, type TaskStore } from '@tasker/core';
import { deferred, storeWith } from '@tasker/core/testing';
import { createKnexStore } from '@tasker/store-knex';
import { startPrivatePostgres, type PrivatePostgres } from '@tasker/store-knex/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';

/** An engine with one template, `shop/order`, whose one step waits for `gate`. */
function gatedEngine(store: TaskStore, gate: Promise<void>): Engine {
  return createEngine({ store, pollIntervalMs: 50 })
    .registerHandler('wait', async () => {
      await gate;
      return { ok: true };
    })
    .registerTemplate({ namespace: 'shop', name: 'order', version: '1.0.0', steps: [{ name: 'a', handler: 'wait' }] });
}

const ready = (api: ApiHarness) => api.call({ method: 'GET', url: '/tasker/health/ready' });

describe('readiness', () => {
  let server: PrivatePostgres | undefined;
  let api: ApiHarness | undefined;

  afterEach(async () => {
    await api?.close();
    await server?.destroy();
    api = server = undefined;
  });

  it('answers 503 while the engine cannot commit to a Postgres that is down, and 200 once it is back', async () => {
    server = await startPrivatePostgres();
    const quiet = { warn: () => undefined, error: () => undefined, debug: () => undefined, deprecate: () => undefined };
    const store = createKnexStore({ client: 'pg', connection: server.url, pool: { min: 0, max: 2 }, log: quiet });
    const gate = deferred();
    const engine = gatedEngine(store, gate.promise);
    api = await startApi(store, { engine });
    expect((await ready(api)).statusCode).toBe(200);
    const { taskId } = await engine.runTask({ namespace: 'shop', name: 'order', context: {} });
    await vi.waitFor(() => expect(engine.writeHealth().oldestPendingWriteAgeMs).toBe(0));

    await server.crash();
    gate.resolve();
    await vi.waitFor(() => expect(engine.writeHealth().consecutiveFailures).toBeGreaterThan(0), { timeout: 5_000 });
    const down = await ready(api);
    expect(down.statusCode).toBe(503);
    expect(down.json().error).toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringMatching(/^The engine's commits are failing since \S+ \(\d+ in a row\)$/) as unknown,
    });

    await server.start();
    await vi.waitFor(async () => expect((await ready(api!)).statusCode).toBe(200), { timeout: 15_000 });
    expect((await engine.waitForTask(taskId, { timeoutMs: 10_000 })).state).toBe('completed');
  });

  it('answers 503 while the oldest pending write is older than readiness.maxWriteAgeMs, though reads work', async () => {
    const memory = createMemoryStore();
    const commits = deferred();
    // A store whose commits hang (a stuck disk, a lock held elsewhere) while it still answers reads.
    const store = storeWith(memory, {
      commit: (writes) => commits.promise.then(() => memory.commit(writes)),
    });
    const engine = gatedEngine(store, Promise.resolve());
    api = await startApi(store, { engine, readiness: { maxWriteAgeMs: 100 } });
    const { taskId } = await engine.runTask({ namespace: 'shop', name: 'order', context: {} });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stuck = await ready(api);
    expect(stuck.statusCode).toBe(503);
    expect(stuck.json().error.message).toMatch(
      /^The engine's oldest pending write has waited \d+ ms \(more than 100 ms\)$/,
    );
    commits.resolve();
    expect((await engine.waitForTask(taskId, { timeoutMs: 5_000 })).state).toBe('completed');
    expect((await ready(api)).statusCode).toBe(200);
  });
});
