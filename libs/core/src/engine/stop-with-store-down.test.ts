import { describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import type { TaskStore } from '../store/task-store.js';
import { deferred } from '../testing/deferred.js';
import { storeWith } from '../testing/store-with.js';
import { createEngine } from './create-engine.js';
import type { Logger } from './logger.js';

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
