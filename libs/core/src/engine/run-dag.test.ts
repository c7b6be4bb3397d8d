import { describe, expect, it, vi } from 'vitest';
import type { StepContext } from '../handlers/step-context.js';
import { deferred } from '../testing/deferred.js';
import { chain, startFixture, stepTrail } from '../test-fixtures/engine-fixture.js';

const echo = (ctx: StepContext) => ({ step: ctx.step.name });

/** A handler that takes 5 ms, and the most of its runs that overlapped. */
function concurrencyProbe() {
  let running = 0;
  let most = 0;
  const work = async () => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running--;
    return null;
  };
  return { work, peak: () => most };
}

describe('running a DAG of steps', () => {
  it('runs a linear chain in order and hands each step its dependency result', async () => {
    const seen: unknown[] = [];
    const { engine, events, run } = await startFixture(chain('validate', 'charge', 'ship'), {
      validate: () => ({ total: 42 }),
      charge: (ctx) => ({ charged: ctx.results<{ total: number }>('validate').total }),
      ship: (ctx) => {
        seen.push(ctx.results('validate'), ctx.results('charge'));
        return 'shipped';
      },
    });
    const taskId = await run();
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('completed');
    expect(task.steps.map((step) => [step.name, step.state, step.attempts, step.results])).toEqual([
      ['validate', 'completed', 1, { total: 42 }],
      ['charge', 'completed', 1, { charged: 42 }],
      ['ship', 'completed', 1, 'shipped'],
    ]);
    expect(seen).toEqual([{ total: 42 }, { charged: 42 }]);
    expect(stepTrail(events, taskId)).toEqual([
      'task.started',
      'step.started:validate',
      'step.completed:validate',
      'step.started:charge',
      'step.completed:charge',
      'step.started:ship',
      'step.completed:ship',
      'task.completed',
    ]);
  });

  it('refuses to read the result of a step that is not a dependency', async () => {
    const { engine, run } = await startFixture(
      [
        { name: 'a', handler: 'a' },
        { name: 'b', handler: 'b', retryable: false },
      ],
      { a: echo, b: (ctx) => ctx.results('a') },
    );
    const task = await engine.waitForTask(await run());
    expect(task.state).toBe('failed');
    expect(task.steps[1]?.errorMessage).toBe("results: step 'b' does not depend on 'a', so it cannot read its result");
  });

  it('runs a diamond: both middle steps after the first, the last after both', async () => {
    const order: string[] = [];
    const record = (ctx: StepContext) => {
      order.push(ctx.step.name);
      return null;
    };
    const { engine, run } = await startFixture(
      [
        { name: 'top', handler: 'record' },
        { name: 'left', handler: 'record', dependsOn: ['top'] },
        { name: 'right', handler: 'record', dependsOn: ['top'] },
        { name: 'bottom', handler: 'record', dependsOn: ['left', 'right'] },
      ],
      { record },
    );
    const task = await engine.waitForTask(await run());
    expect(task.state).toBe('completed');
    expect(order[0]).toBe('top');
    expect(new Set(order.slice(1, 3))).toEqual(new Set(['left', 'right']));
    expect(order[3]).toBe('bottom');
  });

  it('runs three parallel branches at the same time, then fans in', async () => {
    const gate = deferred();
    const started: string[] = [];
    const branch = async (ctx: StepContext) => {
      started.push(ctx.step.name);
      await gate.promise;
      return ctx.step.name;
    };
    const { engine, run } = await startFixture(
      [
        { name: 'split', handler: 'echo' },
        { name: 'b1', handler: 'branch', dependsOn: ['split'] },
        { name: 'b2', handler: 'branch', dependsOn: ['split'] },
        { name: 'b3', handler: 'branch', dependsOn: ['split'] },
        { name: 'join', handler: 'join', dependsOn: ['b1', 'b2', 'b3'] },
      ],
      { echo, branch, join: (ctx) => [ctx.results('b1'), ctx.results('b2'), ctx.results('b3')] },
    );
    const taskId = await run();
    // All three run together while none of them can finish.
    await vi.waitFor(() => expect(started.sort()).toEqual(['b1', 'b2', 'b3']));
    gate.resolve();
    const task = await engine.waitForTask(taskId);
    expect(task.steps.find((step) => step.name === 'join')?.results).toEqual(['b1', 'b2', 'b3']);
  });

  it("never runs more of a task's steps at once than its maxParallelSteps", async () => {
    const { work, peak } = concurrencyProbe();
    const steps = ['s1', 's2', 's3', 's4', 's5'].map((name) => ({ name, handler: 'work' }));
    const { engine, run } = await startFixture(steps, { work }, { maxParallelSteps: 2 });
    const task = await engine.waitForTask(await run());
    expect(task.state).toBe('completed');
    expect(peak()).toBe(2);
  });

  it('runs at most `concurrency` tasks at once and starts the rest as slots free', async () => {
    const { work, peak } = concurrencyProbe();
    const { engine, run } = await startFixture(chain('work'), { work }, { concurrency: 3 });
    const ids = await Promise.all(Array.from({ length: 10 }, () => run()));
    const tasks = await Promise.all(ids.map((id) => engine.waitForTask(id)));
    expect(tasks.every((task) => task.state === 'completed')).toBe(true);
    expect(peak()).toBe(3);
    expect(engine.activeTaskCount).toBe(0);
  });

  it('stores a task but runs nothing until the engine is started', async () => {
    const { engine, run } = await startFixture(chain('a'), { a: echo });
    await engine.stop();
    const taskId = await run();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await engine.getTask(taskId)).state).toBe('pending');
    await engine.start();
    expect((await engine.waitForTask(taskId)).state).toBe('completed');
  });
});
