import { describe, expect, it } from 'vitest';
import { DEFAULT_MAP_PARALLELISM, type StepTemplate } from '../domain/template.js';
import { createMemoryStore } from '../store/memory-store.js';
import { PermanentError } from '../errors/permanent-error.js';
import { RetryableError } from '../errors/retryable-error.js';
import { TemplateValidationError } from '../errors/template-validation-error.js';
import type { StepContext } from '../handlers/step-context.js';
import { startFixture } from '../test-fixtures/engine-fixture.js';
import { settle } from '../test-fixtures/settle.js';

/** load -> send (maps over load's recipients) -> done. */
const fanOut = (map: StepTemplate['map'], extra: Partial<StepTemplate> = {}): StepTemplate[] => [
  { name: 'load', handler: 'load' },
  { name: 'send', handler: 'send', dependsOn: ['load'], map, ...extra },
  { name: 'done', handler: 'done', dependsOn: ['send'] },
];

const load = (ctx: StepContext) => ({ recipients: (ctx.task.context as { to: string[] }).to });

describe('map steps', () => {
  it('runs the handler once per item with ctx.item, ctx.index and a key per item; the result is the items in order', async () => {
    const seen: unknown[] = [];
    const { engine, run } = await startFixture(fanOut({ over: '$.results.load.recipients' }), {
      load,
      send: (ctx) => {
        seen.push([ctx.item, ctx.index, ctx.idempotencyKey]);
        return { sent: ctx.item! };
      },
      done: (ctx) => ctx.results('send'),
    });
    const taskId = await run({ to: ['ana', 'bo', 'cy'] });
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('completed');
    const send = task.steps.find((step) => step.name === 'send')!;
    expect(send.results).toEqual([{ sent: 'ana' }, { sent: 'bo' }, { sent: 'cy' }]);
    expect(task.steps.find((step) => step.name === 'done')!.results).toEqual(send.results);
    expect(seen).toEqual([
      ['ana', 0, `${taskId}:send:0`],
      ['bo', 1, `${taskId}:send:1`],
      ['cy', 2, `${taskId}:send:2`],
    ]);
    expect(send.items).toEqual({ completed: 3 });
    const items = await engine.getStepItems(taskId, 'send', { offset: 1, limit: 1 });
    expect(items).toEqual([
      expect.objectContaining({ index: 1, state: 'completed', attempts: 1, results: { sent: 'bo' } }),
    ]);
  });

  it('maps over a context array, an empty one giving an empty result', async () => {
    const { engine, run } = await startFixture([{ name: 'send', handler: 'send', map: { over: '$.context.to' } }], {
      send: (ctx) => `${ctx.item}!`,
    });
    expect((await engine.waitForTask(await run({ to: ['a', 'b'] }))).steps[0]!.results).toEqual(['a!', 'b!']);
    expect((await engine.waitForTask(await run({ to: [] }))).steps[0]).toMatchObject({
      state: 'completed',
      results: [],
    });
  });

  it('retries an item on its own, with the step backoff, and leaves the completed items alone', async () => {
    const calls: string[] = [];
    let failures = 1;
    const { engine, clock, run } = await startFixture(
      [{ name: 'send', handler: 'send', map: { over: '$.context.to' }, retryLimit: 2 }],
      {
        send: (ctx) => {
          calls.push(`${ctx.item}#${ctx.step.attempt}`);
          if (ctx.item === 'bo' && failures-- > 0) throw new RetryableError('mailer busy');
          return ctx.item!;
        },
      },
    );
    const taskId = await run({ to: ['ana', 'bo', 'cy'] });
    await settle();
    expect(await engine.getStepItems(taskId, 'send')).toMatchObject([
      { index: 0, state: 'completed' },
      { index: 1, state: 'waiting_for_retry', attempts: 1, error: { message: 'mailer busy' } },
      { index: 2, state: 'completed' },
    ]);
    clock.increment(1_000);
    const task = await engine.waitForTask(taskId);
    expect(task.steps[0]).toMatchObject({ state: 'completed', attempts: 1, results: ['ana', 'bo', 'cy'] });
    expect(calls).toEqual(['ana#1', 'bo#1', 'cy#1', 'bo#2']);
  });

  it("times each item out on its own with the step's timeout, and retries it", async () => {
    let hung = false;
    const { engine, clock, run } = await startFixture(
      [{ name: 'send', handler: 'send', map: { over: '$.context.to' }, timeoutMs: 500 }],
      {
        send: (ctx) => {
          if (ctx.index === 1 && !hung) {
            hung = true;
            return new Promise<null>(() => undefined);
          }
          return ctx.item!;
        },
      },
    );
    const taskId = await run({ to: ['ana', 'bo'] });
    await settle();
    clock.increment(500);
    await settle();
    expect(await engine.getStepItems(taskId, 'send')).toMatchObject([
      { index: 0, state: 'completed', attempts: 1 },
      { index: 1, state: 'waiting_for_retry', attempts: 1, error: { code: 'STEP_TIMEOUT' } },
    ]);
    clock.increment(1_000);
    const task = await engine.waitForTask(taskId);
    expect(task.steps[0]).toMatchObject({ state: 'completed', results: ['ana', 'bo'] });
  });

  it('fails the step when an item fails for good, and compensates what completed', async () => {
    const undone: string[] = [];
    const { engine, run } = await startFixture(
      [
        { name: 'charge', handler: 'charge', compensate: { handler: 'refund' } },
        { name: 'send', handler: 'send', dependsOn: ['charge'], map: { over: '$.context.to', maxParallel: 1 } },
      ],
      {
        charge: () => 'charged',
        send: (ctx) => {
          if (ctx.item === 'bad') throw new PermanentError('no such mailbox');
          return ctx.item!;
        },
      },
      { compensations: { refund: async (ctx) => void undone.push(ctx.step.name) } },
    );
    const taskId = await run({ to: ['ana', 'bad', 'cy'] });
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('failed');
    expect(task.steps[1]).toMatchObject({
      state: 'failed',
      error: { message: 'item 1 failed: no such mailbox', code: 'PERMANENT_ERROR' },
    });
    expect(undone).toEqual(['charge']);
    // One at a time: the item after the failed one never started.
    expect(task.steps[1]!.items).toEqual({ completed: 1, failed: 1 });
  });

  it('runs only the failed items again when an operator retries the task, with a fresh budget', async () => {
    const calls: string[] = [];
    let mailboxFixed = false;
    const { engine, run } = await startFixture(
      [{ name: 'send', handler: 'send', map: { over: '$.context.to' }, retryable: false }],
      {
        send: (ctx) => {
          calls.push(`${ctx.item}#${ctx.step.attempt}`);
          if (ctx.item === 'bo' && !mailboxFixed) throw new Error('mailbox full');
          return ctx.item!;
        },
      },
    );
    const taskId = await run({ to: ['ana', 'bo', 'cy'] });
    expect((await engine.waitForTask(taskId)).state).toBe('failed');
    mailboxFixed = true;
    await engine.retryTask(taskId, { by: 'ops' });
    const task = await engine.waitForTask(taskId);
    expect(task.steps[0]).toMatchObject({ state: 'completed', results: ['ana', 'bo', 'cy'] });
    expect(calls.filter((call) => !call.startsWith('cy'))).toEqual(['ana#1', 'bo#1', 'bo#2']);
    expect(calls.filter((call) => call.startsWith('cy'))).toHaveLength(1);
    expect(await engine.getStepItems(taskId, 'send')).toMatchObject([
      { index: 0, attempts: 1 },
      { index: 1, attempts: 2, budgetBase: 1 },
      { index: 2, attempts: 1 },
    ]);
  });

  it('fails the step for good when over is not an array when it starts', async () => {
    const { engine, run } = await startFixture([{ name: 'send', handler: 'send', map: { over: '$.context.to' } }], {
      send: () => null,
    });
    const task = await engine.waitForTask(await run({ to: 'ana' }));
    expect(task.steps[0]).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: { code: 'INVALID_MAP', message: "map step 'send': $.context.to is not an array (found a string)" },
    });
  });

  it('aborts the running items and starts no other when its task is cancelled', async () => {
    const aborted: number[] = [];
    const started: number[] = [];
    const { engine, run } = await startFixture(
      [{ name: 'send', handler: 'send', map: { over: '$.context.to', maxParallel: 2 } }],
      {
        send: (ctx) =>
          new Promise<null>((resolve) => {
            started.push(ctx.index!);
            ctx.signal.addEventListener('abort', () => {
              aborted.push(ctx.index!);
              resolve(null);
            });
          }),
      },
    );
    const taskId = await run({ to: ['a', 'b', 'c', 'd'] });
    await settle();
    expect(started).toEqual([0, 1]);
    await engine.cancelTask(taskId, { by: 'ops' });
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('cancelled');
    expect(task.steps[0]!.state).toBe('cancelled');
    expect(aborted.sort()).toEqual([0, 1]);
    await settle();
    expect(started).toEqual([0, 1]);
    // The items keep their last durable state: started, never finished.
    expect(task.steps[0]!.items).toEqual({ in_progress: 2 });
  });

  it('runs at most maxParallel items at once', async () => {
    let running = 0;
    let most = 0;
    const { engine, run } = await startFixture(
      [{ name: 'send', handler: 'send', map: { over: '$.context.to', maxParallel: 3 } }],
      {
        send: async () => {
          most = Math.max(most, ++running);
          await new Promise((resolve) => setTimeout(resolve, 1));
          running--;
          return null;
        },
      },
    );
    const task = await engine.waitForTask(await run({ to: Array.from({ length: 20 }, (_, i) => i) }));
    expect(task.state).toBe('completed');
    expect(most).toBe(3);
  });

  it('runs 10,000 items, 10 at a time, with memory kept bounded and no item in the snapshot', async () => {
    const store = createMemoryStore();
    let running = 0;
    let most = 0;
    const { engine, run } = await startFixture(
      [{ name: 'send', handler: 'send', map: { over: '$.context.to' } }],
      {
        send: async (ctx) => {
          most = Math.max(most, ++running);
          await Promise.resolve();
          running--;
          return ctx.index!;
        },
      },
      { store },
    );
    const before = process.memoryUsage().heapUsed;
    const task = await engine.waitForTask(await run({ to: Array.from({ length: 10_000 }, (_, i) => i) }), {
      timeoutMs: 60_000,
    });
    expect(task.state).toBe('completed');
    const results = task.steps[0]!.results as number[];
    expect(results).toHaveLength(10_000);
    expect(results.every((value, index) => value === index)).toBe(true);
    expect(task.steps[0]!.items).toEqual({ completed: 10_000 });
    expect(most).toBe(DEFAULT_MAP_PARALLELISM);
    expect(JSON.stringify(await store.getSnapshot(task.id)).length).toBeLessThan(2_000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 1024 * 1024);
  }, 60_000);

  it('refuses at registration a bad over, a results path of a step not depended on, and a bad maxParallel', async () => {
    const { engine } = await startFixture([{ name: 'a', handler: 'a' }], { a: () => null });
    const register = (steps: StepTemplate[]) => () =>
      engine.registerTemplate({ namespace: 'test', name: 'bad', version: '1.0.0', steps });
    expect(register([{ name: 'm', handler: 'a', map: { over: 'context.to' } }])).toThrow(TemplateValidationError);
    expect(register([{ name: 'm', handler: 'a', map: { over: 'context.to' } }])).toThrow(
      "steps[0].map.over: 'context.to' must start with '$.context' or '$.results.<step>'",
    );
    expect(
      register([
        { name: 'a', handler: 'a' },
        { name: 'm', handler: 'a', map: { over: '$.results.a.to' } },
      ]),
    ).toThrow("steps[1].map.over: '$.results.a.to' reads the result of 'a', which step 'm' does not depend on");
    expect(register([{ name: 'm', handler: 'a', map: { over: '$.context.to', maxParallel: 0 } }])).toThrow(
      'steps[0].map.maxParallel: must be a positive whole number',
    );
    expect(register([{ name: 'm', type: 'sleep', durationMs: 5, map: { over: '$.context.to' } }])).toThrow(
      'steps[0].map: a sleep step cannot map; only a handler step can',
    );
  });
});
