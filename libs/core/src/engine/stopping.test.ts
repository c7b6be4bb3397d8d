import { describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import type { TaskStore } from '../store/task-store.js';
import { deferred } from '../testing/deferred.js';
import { storeWith } from '../testing/store-with.js';
import { createEngine } from './create-engine.js';
import type { Logger } from '../ports/logger.js';

/** A memory store whose writes, claims and lease calls hang after `down()`, as a store whose server stopped answering. */
function storeThatGoesDown(): { store: TaskStore; down: () => void } {
  const inner = createMemoryStore();
  let isDown = false;
  const hangingWhenDown =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      isDown ? new Promise<R>(() => undefined) : call.apply(inner, args);
  const store = storeWith(inner, {
    commit: hangingWhenDown(inner.commit),
    claimTasks: hangingWhenDown(inner.claimTasks),
    renewLeases: hangingWhenDown(inner.renewLeases),
    releaseLeases: hangingWhenDown(inner.releaseLeases),
  });
  return { store, down: () => (isDown = true) };
}

describe('stopping with the store down', () => {
  it('stops within the grace period plus the commit allowance, and names the tasks left uncommitted', async () => {
    const { store, down } = storeThatGoesDown();
    const warn = vi.fn();
    const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn, error: vi.fn(), child: () => logger };
    const started = deferred<void>();
    const engine = createEngine({ store, logger })
      .registerHandler('Slow', async () => {
        started.resolve();
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { done: true };
      })
      .registerTemplate({
        namespace: 'test',
        name: 'slow',
        version: '1.0.0',
        steps: [{ name: 'only', handler: 'Slow' }],
      });
    await engine.start();
    const { taskId } = await engine.runTask({ namespace: 'test', name: 'slow', context: {} });
    await started.promise;
    down();

    const stopping = Date.now();
    await engine.stop({ gracePeriodMs: 500 });
    const tookMs = Date.now() - stopping;

    // The handler's outcome cannot commit: stop gives up on it 2 s (the allowance past the handler) later.
    expect(tookMs).toBeGreaterThanOrEqual(1_500);
    expect(tookMs).toBeLessThan(3_500);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ tasks: [taskId] }),
      'stopped with writes the store did not commit; these tasks resume from their last durable state',
    );
  });
});

/** An engine of a one-step `test/noop` template on `store`. */
function noopEngine(store: TaskStore, options: { pollIntervalMs?: number } = {}) {
  return createEngine({ store, ...options })
    .registerHandler('Noop', () => ({}))
    .registerTemplate({
      namespace: 'test',
      name: 'noop',
      version: '1.0.0',
      steps: [{ name: 'only', handler: 'Noop' }],
    });
}

describe('stopping', () => {
  it('claims nothing once stop() is called, even with a claim still in flight, and gives back what that claim took', async () => {
    const inner = createMemoryStore();
    let claims = 0;
    const inFlight = deferred<void>();
    const store = storeWith(inner, {
      claimTasks: async (request) => {
        claims++;
        if (claims === 2) await inFlight.promise; // the keeper's second claim answers only after stop() is called
        return inner.claimTasks(request);
      },
    });
    const engine = noopEngine(store, { pollIntervalMs: 10 });
    await engine.start();
    await vi.waitFor(() => expect(claims).toBe(2));
    // A task any worker may claim, which the claim in flight takes.
    await noopEngine(inner).runTask({ namespace: 'test', name: 'noop', context: {} });

    const stopped = engine.stop({ gracePeriodMs: 0 });
    inFlight.resolve();
    await stopped;
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(claims).toBe(2);
    expect(engine.heldLeaseCount).toBe(0);
    expect((await inner.listWorkers(Date.now())).map((worker) => worker.leases)).toEqual([]);
  });
});
