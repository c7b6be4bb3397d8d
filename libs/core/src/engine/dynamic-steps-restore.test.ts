import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { StepTemplate } from '../domain/template.js';
import type { StepContext } from '../handlers/step-context.js';
import { createMemoryStore } from '../store/memory-store.js';
import { deferred } from '../testing/deferred.js';
import { startFixture } from '../test-fixtures/engine-fixture.js';
import { settle } from '../test-fixtures/settle.js';

const never = () => new Promise<never>(() => undefined);

describe('decision and map steps restored in a new engine', () => {
  it('keeps the branches a decision skipped, and runs the one it chose after a stop', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const steps: StepTemplate[] = [
      { name: 'choose', type: 'decision', handler: 'choose' },
      { name: 'express', handler: 'ship', dependsOn: ['choose'], deferred: true },
      { name: 'standard', handler: 'ship', dependsOn: ['choose'], deferred: true },
      { name: 'notify', handler: 'ship', dependsOn: ['express', 'standard'] },
    ];
    const shipping = deferred();
    const first = await startFixture(
      steps,
      {
        choose: () => ({ activate: ['express'] }),
        ship: () => {
          shipping.resolve();
          return never();
        },
      },
      { store, clock },
    );
    const taskId = await first.run();
    await shipping.promise;
    await first.engine.stop({ gracePeriodMs: 0 });
    expect((await store.getSteps(taskId)).map((step) => step.state)).toEqual([
      'completed',
      'in_progress',
      'skipped',
      'pending',
    ]);

    const ran: string[] = [];
    const second = await startFixture(
      steps,
      { choose: () => null, ship: (ctx: StepContext) => ran.push(ctx.step.name) },
      {
        store,
        clock,
      },
    );
    await settle();
    clock.increment(1_000); // the interrupted attempt's backoff
    const task = await second.engine.waitForTask(taskId);
    expect(task.steps.map((step) => step.state)).toEqual(['completed', 'completed', 'skipped', 'completed']);
    expect(ran).toEqual(['express', 'notify']);
    await second.engine.stop();
  });

  it('runs only the items not completed when a map step resumes after a stop', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const steps: StepTemplate[] = [{ name: 'send', handler: 'send', map: { over: '$.context.to', maxParallel: 1 } }];
    const hung = deferred();
    const first = await startFixture(
      steps,
      {
        send: (ctx) => {
          if (ctx.index! < 2) return ctx.item!;
          hung.resolve();
          return never();
        },
      },
      { store, clock },
    );
    const taskId = await first.run({ to: ['a', 'b', 'c', 'd'] });
    await hung.promise;
    await first.engine.stop({ gracePeriodMs: 0 });
    expect(await store.countStepItems(taskId, 'send')).toEqual({ completed: 2, in_progress: 1 });

    const calls: string[] = [];
    const second = await startFixture(
      steps,
      { send: (ctx) => (calls.push(`${ctx.item}#${ctx.step.attempt}`), `${ctx.item}!`) },
      { store, clock },
    );
    await settle();
    clock.increment(1_000); // the interrupted run's backoff
    const task = await second.engine.waitForTask(taskId);
    expect(task.steps[0]).toMatchObject({ state: 'completed', attempts: 2, results: ['a', 'b', 'c!', 'd!'] });
    // The interrupted item's attempt counted: its second is attempt 2.
    expect(calls).toEqual(['c#2', 'd#1']);
    await second.engine.stop();
  });
});
