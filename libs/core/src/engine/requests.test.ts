import { describe, expect, it } from 'vitest';
import { ContextValidationError } from '../errors/context-validation-error.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { TaskTemplate } from '../domain/template.js';
import { createEngine } from './create-engine.js';
import { startFixture } from '../test-fixtures/engine-fixture.js';

/** An engine with one template, `shop/order@1.0.0`, of one step. */
function shopEngine(extra: Partial<TaskTemplate> = {}) {
  return createEngine()
    .registerHandler('a', () => null)
    .registerTemplate({
      namespace: 'shop',
      name: 'order',
      version: '1.0.0',
      steps: [{ name: 'a', handler: 'a' }],
      ...extra,
    });
}

describe('task requests', () => {
  it('answers a repeated idempotency key with the first task and runs it once', async () => {
    let runs = 0;
    const { engine, run } = await startFixture([{ name: 'charge', handler: 'charge' }], { charge: () => ++runs });
    const first = await engine.runTask({ namespace: 'test', name: 'flow', context: {}, idempotencyKey: 'order-1' });
    const again = await engine.runTask({ namespace: 'test', name: 'flow', context: {}, idempotencyKey: 'order-1' });
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ taskId: first.taskId, correlationId: first.correlationId, created: false });
    await engine.waitForTask(first.taskId);
    expect(runs).toBe(1);
    expect((await engine.listTasks()).tasks).toHaveLength(1);
    await run({}, { idempotencyKey: 'order-2' });
    expect((await engine.listTasks()).tasks).toHaveLength(2);
  });

  it('keeps the request fields and a caller correlation id', async () => {
    const { engine } = await startFixture([{ name: 'a', handler: 'a' }], { a: () => null });
    const result = await engine.runTask({
      namespace: 'test',
      name: 'flow',
      version: '1.0.0',
      context: { order: 1 },
      correlationId: 'req_abc123',
      initiator: 'web',
      sourceSystem: 'storefront',
      reason: 'checkout',
      tags: ['express'],
    });
    expect(result.correlationId).toBe('req_abc123');
    const task = await engine.waitForTask(result.taskId);
    expect(task).toMatchObject({
      correlationId: 'req_abc123',
      initiator: 'web',
      sourceSystem: 'storefront',
      reason: 'checkout',
      tags: ['express'],
      context: { order: 1 },
    });
    expect((await engine.listTasks({ correlationId: 'req_abc123' })).tasks.map((found) => found.id)).toEqual([
      result.taskId,
    ]);
  });

  it("records each step's dependent system on its row and shows it in the task's view", async () => {
    const { engine, run } = await startFixture(
      [
        { name: 'charge', handler: 'a', dependentSystem: 'payment_gateway' },
        { name: 'note', handler: 'a', dependsOn: ['charge'] },
      ],
      { a: () => null },
    );
    const task = await engine.waitForTask(await run());
    expect(task.steps.map((step) => [step.name, step.dependentSystem])).toEqual([
      ['charge', 'payment_gateway'],
      ['note', undefined],
    ]);
  });

  it('refuses a context that breaks the template schema, listing every violation, and stores nothing', async () => {
    const engine = shopEngine({
      validateContext: (context) => [
        ...(typeof context.email === 'string' ? [] : [{ path: '/email', message: 'must be a string' }]),
        ...(Array.isArray(context.items) ? [] : [{ path: '/items', message: 'must be an array' }]),
      ],
    });
    const refusal = engine.runTask({ namespace: 'shop', name: 'order', context: { email: 7 } });
    await expect(refusal).rejects.toThrow(ContextValidationError);
    await expect(refusal).rejects.toMatchObject({
      code: 'INVALID_CONTEXT',
      violations: [
        { path: '/email', message: 'must be a string' },
        { path: '/items', message: 'must be an array' },
      ],
      message:
        'Task context for shop/order@1.0.0 is invalid:\n  - /email: must be a string\n  - /items: must be an array',
    });
    expect((await engine.listTasks()).tasks).toEqual([]);
  });

  it('names the field of a malformed request and the template that does not exist', async () => {
    const engine = shopEngine();
    await expect(engine.runTask({ namespace: '', name: 'order', context: {} })).rejects.toThrow(
      new InvalidRequestError('namespace', 'must be a non-empty string'),
    );
    await expect(engine.runTask({ namespace: 'shop', name: 'order', context: [] as never })).rejects.toThrow(
      'context: must be a JSON object',
    );
    await expect(engine.runTask({ namespace: 'shop', name: 'order', context: {}, tags: [1] as never })).rejects.toThrow(
      'tags: must be an array of strings',
    );
    await expect(engine.runTask({ namespace: 'shop', name: 'order', version: '2.0.0', context: {} })).rejects.toThrow(
      new NotFoundError('TEMPLATE_NOT_FOUND', 'No template shop/order@2.0.0 is registered'),
    );
    expect((await engine.listTasks()).tasks).toEqual([]);
  });

  it('runs the latest version when none is asked for, and an exact one when asked', async () => {
    const engine = createEngine();
    engine.registerHandler('v', (ctx) => ctx.task.version);
    for (const version of ['1.2.0', '1.10.0', '1.9.3', '2.0.0-rc.1']) {
      engine.registerTemplate({ namespace: 'shop', name: 'order', version, steps: [{ name: 'v', handler: 'v' }] });
    }
    await engine.start();
    const latest = await engine.runTask({ namespace: 'shop', name: 'order', context: {} });
    const exact = await engine.runTask({ namespace: 'shop', name: 'order', version: '1.2.0', context: {} });
    expect((await engine.waitForTask(latest.taskId)).version).toBe('1.10.0');
    expect((await engine.waitForTask(exact.taskId)).steps[0]?.results).toBe('1.2.0');
  });

  it('gives up waiting for a task after timeoutMs with WAIT_TIMEOUT', async () => {
    const { engine, run } = await startFixture([{ name: 'a', handler: 'a' }], {
      a: () => new Promise(() => undefined),
    });
    const taskId = await run();
    await expect(engine.waitForTask(taskId, { timeoutMs: 20 })).rejects.toMatchObject({ code: 'WAIT_TIMEOUT' });
    await expect(engine.getTask('missing')).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
  });
});
