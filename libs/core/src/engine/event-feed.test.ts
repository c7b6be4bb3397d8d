import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import type { LoggedEvent } from '../store/event-log.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { TaskStore } from '../store/task-store.js';
import { createEngine, type EngineOptions } from './create-engine.js';

/** A started engine on `store` whose template `shop/order@1.0.0` publishes `order_shipped` in `ship`, then `bill`s. */
async function shopEngine(store: TaskStore, options: EngineOptions = {}) {
  const engine = createEngine({ store, pollIntervalMs: 20, ...options })
    .registerHandler('ship', (ctx) => {
      ctx.publish('order_shipped', { carrier: 'ups' });
      return { shipped: true };
    })
    .registerHandler('bill', () => null)
    .registerTemplate({
      namespace: 'shop',
      name: 'order',
      version: '1.0.0',
      customEvents: ['order_shipped'],
      steps: [
        { name: 'ship', handler: 'ship' },
        { name: 'bill', handler: 'bill', dependsOn: ['ship'] },
      ],
    });
  await engine.start();
  return engine;
}

const runOrder = async (engine: Awaited<ReturnType<typeof shopEngine>>) => {
  const { taskId } = await engine.runTask({ namespace: 'shop', name: 'order', context: {} });
  await engine.waitForTask(taskId);
  return taskId;
};

/** The first `count` events `follow` yields. */
async function take(events: AsyncIterable<LoggedEvent>, count: number): Promise<LoggedEvent[]> {
  const taken: LoggedEvent[] = [];
  for await (const logged of events) {
    taken.push(logged);
    if (taken.length === count) break;
  }
  return taken;
}

const ORDER_EVENTS = [
  'task.started',
  'step.started',
  'custom.order_shipped',
  'step.completed',
  'step.started',
  'step.completed',
  'task.completed',
];

describe('engine.events, the feed of the store’s event log', () => {
  it('reads every event of a task from the log, custom events included, in order with increasing ids', async () => {
    const engine = await shopEngine(createMemoryStore());
    const taskId = await runOrder(engine);
    const logged = await engine.events.read({ taskId });
    expect(logged.map(({ event }) => event.type)).toEqual(ORDER_EVENTS);
    expect(logged.find(({ event }) => event.type === 'step.completed')?.event).toMatchObject({
      stepName: 'ship',
      results: { shipped: true },
    });
    expect(await engine.events.read({ after: logged[4]!.id, types: ['step.*'] })).toEqual([logged[5]]);
    await engine.stop();
  });

  it('serves the events of another engine on the same store, and follow resumes after an id without gap or repeat', async () => {
    const store = createMemoryStore();
    const writer = await shopEngine(store);
    const reader = createEngine({ store, pollIntervalMs: 20 });
    const controller = new AbortController();
    const following = take(reader.events.follow({ signal: controller.signal }), 14);
    const first = await runOrder(writer);
    const second = await runOrder(writer);
    const followed = await following;
    expect(followed.map(({ event }) => event.taskId)).toEqual([...Array(7).fill(first), ...Array(7).fill(second)]);
    const resumed = await take(reader.events.follow({ after: followed[8]!.id }), 5);
    expect(resumed).toEqual(followed.slice(9));
    await writer.stop();
  });

  it('follow ends when its signal aborts', async () => {
    const engine = createEngine({ pollIntervalMs: 20 });
    const controller = new AbortController();
    const done = take(engine.events.follow({ signal: controller.signal }), 1);
    controller.abort();
    expect(await done).toEqual([]);
  });

  it('logs nothing with eventLog: false, while this process’s listeners still hear every event', async () => {
    const engine = await shopEngine(createMemoryStore(), { eventLog: false });
    const heard: string[] = [];
    engine.on('*', (event) => void heard.push(event.type));
    await runOrder(engine);
    expect(await engine.events.read()).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(heard).toEqual(ORDER_EVENTS);
    await engine.stop();
  });

  it('purges the oldest events beyond eventLog.maxCount', async () => {
    const engine = await shopEngine(createMemoryStore(), { eventLog: { maxCount: 3 } });
    const taskId = await runOrder(engine);
    expect(await engine.events.purge()).toBe(ORDER_EVENTS.length - 3);
    expect((await engine.events.read({ taskId })).map(({ event }) => event.type)).toEqual(ORDER_EVENTS.slice(-3));
    await engine.stop();
  });

  it('purges the events older than eventLog.maxAgeMs, by the engine’s clock', async () => {
    const clock = new SimulatedClock();
    const engine = await shopEngine(createMemoryStore(), { clock, eventLog: { maxAgeMs: 1_000 } });
    const taskId = await runOrder(engine);
    expect(await engine.events.purge()).toBe(0);
    clock.increment(1_001);
    expect(await engine.events.purge()).toBe(ORDER_EVENTS.length);
    expect(await engine.events.read({ taskId })).toEqual([]);
    await engine.stop();
  });

  it('refuses bad queries and options, naming the field', async () => {
    const engine = createEngine();
    expect(() => engine.events.read({ limit: 0 })).toThrow(/limit/);
    expect(() => engine.events.read({ types: [''] as never })).toThrow(/types\[0\]/);
    expect(() => engine.events.follow({ after: 5 as never })).toThrow(InvalidRequestError);
    expect(() => createEngine({ eventLog: { maxAgeMs: -1 } })).toThrow(/eventLog.maxAgeMs/);
  });
});
