import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { createEngine } from './create-engine.js';
import { EngineLifecycle } from './engine-lifecycle.js';

function shopEngine() {
  return createEngine({ store: createMemoryStore() })
    .registerHandler('done', () => 'done')
    .registerTemplate({ namespace: 'shop', name: 'order', version: '1.0.0', steps: [{ name: 'a', handler: 'done' }] });
}

describe("an engine's lifecycle", () => {
  it('moves only along its allowed moves, and throws at any other', () => {
    const lifecycle = new EngineLifecycle();
    expect(() => lifecycle.moveTo('running')).toThrow('Engine lifecycle: cannot move from idle to running');
    lifecycle.moveTo('starting');
    expect(lifecycle.takesWork).toBe(true);
    lifecycle.moveTo('running');
    lifecycle.moveTo('stopping');
    expect([lifecycle.takesWork, lifecycle.lettingGo]).toEqual([false, true]);
    expect(() => lifecycle.moveTo('running')).toThrow('Engine lifecycle: cannot move from stopping to running');
    lifecycle.moveTo('stopped');
    lifecycle.moveTo('starting');
    expect(lifecycle.mode).toBe('starting');
  });

  it('answers a second stop when the first is done, and starts again after a stop, when called during it', async () => {
    const engine = shopEngine();
    await engine.start();
    const first = engine.stop({ gracePeriodMs: 0 });
    const second = engine.stop({ gracePeriodMs: 0 });
    const restarted = engine.start();
    await Promise.all([first, second, restarted]);
    const { taskId } = await engine.runTask({ namespace: 'shop', name: 'order', context: {} });
    expect((await engine.waitForTask(taskId, { timeoutMs: 5_000 })).state).toBe('completed');
    await engine.stop();
  });

  it('runs nothing before it is started and nothing after it stopped, and runs both tasks once started', async () => {
    const engine = shopEngine();
    const early = await engine.runTask({ namespace: 'shop', name: 'order', context: {} });
    await engine.start();
    await engine.stop();
    const late = await engine.runTask({ namespace: 'shop', name: 'order', context: {} });
    expect((await engine.getTask(late.taskId)).state).toBe('pending');
    await engine.start();
    for (const { taskId } of [early, late]) {
      expect((await engine.waitForTask(taskId, { timeoutMs: 5_000 })).state).toBe('completed');
    }
    await engine.stop();
  });
});
