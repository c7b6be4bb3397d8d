import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CustomEvent, EngineEvent } from '../domain/events.js';
import { TemplateValidationError } from '../errors/template-validation-error.js';
import type { StepContext } from '../handlers/step-context.js';
import { settle } from '../test-fixtures/settle.js';
import { createEngine } from './create-engine.js';

/** A started engine whose template `shop/order@1.0.0` declares `order_shipped`; its one step runs `handler`. */
async function shopEngine(handler: (ctx: StepContext) => null) {
  const engine = createEngine()
    .registerHandler('ship', handler)
    .registerTemplate({
      namespace: 'shop',
      name: 'order',
      version: '1.0.0',
      customEvents: ['order_shipped'],
      steps: [{ name: 'ship', handler: 'ship' }],
    });
  await engine.start();
  return engine;
}

describe('custom events', () => {
  it('delivers a declared event a handler publishes to custom.* and * subscribers, with its payload', async () => {
    const engine = await shopEngine((ctx) => {
      ctx.publish('order_shipped', { carrier: 'ups', parcels: 2 });
      return null;
    });
    const custom: CustomEvent[] = [];
    const all: EngineEvent[] = [];
    engine.on('custom.*', (event) => {
      expectTypeOf(event).toEqualTypeOf<CustomEvent>();
      custom.push(event);
    });
    engine.on('custom.order_shipped', (event) => {
      custom.push(event);
    });
    engine.on('*', (event) => {
      all.push(event);
    });
    const { taskId } = await engine.runTask({ namespace: 'shop', name: 'order', context: {} });
    await engine.waitForTask(taskId);
    await settle();
    const expected = {
      type: 'custom.order_shipped',
      eventName: 'order_shipped',
      taskId,
      namespace: 'shop',
      name: 'order',
      version: '1.0.0',
      stepName: 'ship',
      attempt: 1,
      payload: { carrier: 'ups', parcels: 2 },
    };
    expect(custom).toEqual([expect.objectContaining(expected), expect.objectContaining(expected)]);
    expect(all.map((event) => event.type)).toEqual([
      'task.started',
      'step.started',
      'custom.order_shipped',
      'step.completed',
      'task.completed',
    ]);
    await engine.stop();
  });

  it('refuses an undeclared name and a payload that is not JSON, naming what is wrong', async () => {
    const refusals: string[] = [];
    const engine = await shopEngine((ctx) => {
      for (const publish of [
        () => ctx.publish('order_shiped', {}),
        () => ctx.publish('order_shipped', { at: new Date(0) } as never),
      ]) {
        try {
          publish();
        } catch (error) {
          refusals.push((error as Error).message);
        }
      }
      return null;
    });
    const custom: CustomEvent[] = [];
    engine.on('custom.*', (event) => {
      custom.push(event);
    });
    const { taskId } = await engine.runTask({ namespace: 'shop', name: 'order', context: {} });
    await engine.waitForTask(taskId);
    await settle();
    expect(refusals).toEqual([
      "publish: 'order_shiped' is no custom event of shop/order@1.0.0 (it declares order_shipped in customEvents)",
      expect.stringMatching(/^payload\.at: .*Date/),
    ]);
    expect(custom).toEqual([]);
    await engine.stop();
  });

  it('refuses a template that declares a bad or repeated event name', () => {
    const register = (customEvents: string[]) =>
      createEngine()
        .registerHandler('ship', () => null)
        .registerTemplate({
          namespace: 'shop',
          name: 'order',
          version: '1.0.0',
          customEvents,
          steps: [{ name: 'ship', handler: 'ship' }],
        });
    expect(() => register(['order shipped'])).toThrow(TemplateValidationError);
    expect(() => register(['order shipped'])).toThrow(/customEvents\[0\]: 'order shipped' is no event name/);
    expect(() => register(['shipped', 'shipped'])).toThrow(/customEvents\[1\]: 'shipped' is declared twice/);
  });
});
