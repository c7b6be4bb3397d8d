import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../errors/invalid-transition-error.js';
import type { StepContext } from '../handlers/step-context.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { TaskStore } from '../store/task-store.js';
import { deferred } from '../testing/deferred.js';
import { storeWith } from '../testing/store-with.js';
import { waitForEvent } from '../testing/wait-for-event.js';
import { createEngine } from './create-engine.js';

/**
 * A started engine running `shop/order`, one step `a` whose handler waits for `release` when the task's context says
 * `hold: true` and answers at once otherwise.
 */
async function startHoldingEngine(store: TaskStore, release: Promise<unknown>) {
  const engine = createEngine({ store })
    .registerHandler('hold', (ctx: StepContext) =>
      ctx.task.context['hold'] === true ? release.then(() => null) : null,
    )
    .registerTemplate({ namespace: 'shop', name: 'order', version: '1.0.0', steps: [{ name: 'a', handler: 'hold' }] });
  await engine.start();
  return engine;
}

describe('an operator action whose write the store refuses', () => {
  it('is answered with why instead of waiting forever; the task is failed and the engine goes on', async () => {
    const memory = createMemoryStore();
    // The store cannot encode what a cancellation writes (as a driver that meets a BigInt).
    const store = storeWith(memory, {
      commit: (writes) =>
        writes.some((write) => write.transitions?.some((entry) => entry.to === 'cancelled'))
          ? Promise.reject(new TypeError('cannot encode'))
          : memory.commit(writes),
    });
    const hold = deferred();
    const engine = await startHoldingEngine(store, hold.promise);
    const started = waitForEvent(engine, 'step.started');
    const failed = waitForEvent(engine, 'task.failed');
    const { taskId } = await engine.runTask({ namespace: 'shop', name: 'order', context: { hold: true } });
    await started;

    const cancelling = engine.cancelTask(taskId, { reason: 'customer called' });
    await expect(cancelling).rejects.toThrow(InvalidTransitionError);
    await expect(cancelling).rejects.toThrow(/the store refused its data, so it was failed/);
    expect((await failed).error).toMatchObject({ code: 'WRITE_REJECTED' });
    expect(await engine.getTask(taskId)).toMatchObject({ state: 'failed' });
    expect(engine.activeTaskCount).toBe(0);
    expect(engine.writeHealth().rejectedWrites).toBe(1);
    // The log holds the failure, and nothing of the refused cancellation.
    const logged = (await engine.events.read({ taskId })).map(({ event }) => event.type);
    expect(logged).toEqual(['task.started', 'step.started', 'task.failed']);

    const next = await engine.runTask({ namespace: 'shop', name: 'order', context: {} });
    expect((await engine.waitForTask(next.taskId)).state).toBe('completed');
    hold.resolve();
    await engine.stop();
  });

  it('is answered with why when the store lost the task meanwhile; the task is dropped', async () => {
    const memory = createMemoryStore();
    // The task's rows vanish just before the cancellation commits (a Redis without persistence restarted).
    const store = storeWith(memory, {
      commit: (writes) =>
        writes.some((write) => write.transitions?.some((entry) => entry.to === 'cancelled'))
          ? Promise.reject(new NotFoundError('TASK_NOT_FOUND', `No task ${writes[0]!.taskId}`))
          : memory.commit(writes),
    });
    const hold = deferred();
    const engine = await startHoldingEngine(store, hold.promise);
    const started = waitForEvent(engine, 'step.started');
    const lost = waitForEvent(engine, 'task.lost');
    const { taskId } = await engine.runTask({ namespace: 'shop', name: 'order', context: { hold: true } });
    await started;

    await expect(engine.cancelTask(taskId)).rejects.toThrow(
      new InvalidTransitionError(`Task ${taskId} could not take CANCEL: its rows vanished from the store`),
    );
    expect((await lost).taskId).toBe(taskId);
    expect(engine.activeTaskCount).toBe(0);
    // Nothing was committed for a lost task: its task.lost stays in this process.
    expect(await engine.events.read({ taskId, types: ['task.lost'] })).toEqual([]);
    hold.resolve();
    await engine.stop();
  });
});
