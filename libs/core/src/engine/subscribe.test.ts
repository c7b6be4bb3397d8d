import { describe, expect, it, vi } from 'vitest';
import type { EventSubscriberOptions } from './subscriber-options.js';
import { createEngine } from './create-engine.js';
import { createMemoryStore } from '../store/memory-store.js';

const PATIENCE = { timeout: 10_000, interval: 20 };

function shopEngine(store = createMemoryStore()) {
  const engine = createEngine({ store, pollIntervalMs: 20 }).registerHandler('pack', () => ({ packed: true }));
  engine.registerTemplate({
    namespace: 'shop',
    name: 'order',
    version: '1.0.0',
    steps: [{ name: 'pack', handler: 'pack' }],
  });
  return engine;
}

async function runOrder(engine: ReturnType<typeof shopEngine>): Promise<string> {
  const { taskId } = await engine.runTask({ namespace: 'shop', name: 'order', context: {} });
  await engine.waitForTask(taskId, { timeoutMs: 10_000 });
  return taskId;
}

describe('engine.subscribe', () => {
  it.each([
    [{ name: ' ' }, 'subscribe.name: must be a non-empty string'],
    [{ types: ['order.shipped'] }, "subscribe.types[0]: 'order.shipped' is no event type"],
    [{ handle: 'log' }, 'subscribe.handle: must be a function'],
    [{ retry: { baseMs: -1 } }, 'subscribe.retry.baseMs: must be a positive number of ms'],
    [{ retry: { baseMs: 500, maxMs: 100 } }, 'subscribe.retry.maxMs: must not be less than retry.baseMs'],
    [{ startAt: 'latest' }, "subscribe.startAt: must be 'oldest' or 'newest'"],
  ])('refuses %j', (override, message) => {
    const options = { name: 'audit', handle: () => undefined, ...override } as unknown as EventSubscriberOptions;
    expect(() => shopEngine().subscribe(options)).toThrow(message);
  });

  it('refuses a second subscriber of one name on one engine', () => {
    const engine = shopEngine();
    engine.subscribe({ name: 'audit', handle: () => undefined });
    expect(() => engine.subscribe({ name: 'audit', handle: () => undefined })).toThrow(
      "name: a subscriber named 'audit' is registered already",
    );
  });

  it("starts after the newest event with startAt: 'newest', and delivers nothing once unsubscribed", async () => {
    const store = createMemoryStore();
    const engine = shopEngine(store);
    await engine.start();
    const before = await runOrder(engine);
    const seen: string[] = [];
    const unsubscribe = engine.subscribe({
      name: 'audit',
      types: ['task.completed'],
      startAt: 'newest',
      handle: (event) => {
        seen.push(event.taskId);
      },
    });
    // Its first start stores the newest event's id as its position.
    const newest = await engine.events.lastId();
    await vi.waitFor(async () => expect(await store.readSubscriberPosition('audit')).toBe(newest), PATIENCE);
    const after = await runOrder(engine);
    await vi.waitFor(() => expect(seen).toEqual([after]), PATIENCE);
    expect(seen).not.toContain(before);
    await unsubscribe();
    await runOrder(engine);
    // A subscriber registered later under the name resumes where the first stopped: at the unsubscribed task.
    const resumed: string[] = [];
    engine.subscribe({ name: 'audit', types: ['task.completed'], handle: (event) => void resumed.push(event.taskId) });
    await vi.waitFor(() => expect(resumed).toHaveLength(1), PATIENCE);
    await engine.stop();
    expect(seen).toEqual([after]);
    expect(resumed).not.toContain(after);
  });
});
