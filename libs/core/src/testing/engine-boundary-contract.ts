import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../domain/json.js';
import { createEngine } from '../engine/create-engine.js';
import type { Engine } from '../engine/engine.js';
import { PermanentError } from '../errors/permanent-error.js';
import type { StepContext } from '../handlers/step-context.js';
import type { TaskStore } from '../store/task-store.js';
import type { StoreFactory } from './store-contract.js';
import { waitForEvent } from './wait-for-event.js';

const TEMPLATE = { namespace: 'boundary', name: 'order' };

/** What the one step of the suite's template does, chosen by the task's context. */
function work(ctx: StepContext): JsonValue {
  switch (ctx.task.context['mode']) {
    case 'fail':
      throw new PermanentError('declined');
    case 'bigint':
      // What a careless handler returns; the engine must refuse it, whatever the types say.
      return { n: 10n } as unknown as JsonValue;
    case 'throw-object':
      throw { code: 'E_CUSTOM', detail: 1 };
    default:
      return { ok: true };
  }
}

/** A value nested `depth` objects deep. */
function nested(depth: number): JsonObject {
  let value: JsonObject = {};
  for (let level = 0; level < depth; level++) value = { next: value };
  return value;
}

/**
 * What the engine promises at its boundary, whichever store it runs on: requests that break the JSON rule
 * (`checkJson`) are refused naming the path and store nothing; a handler's result that breaks it fails its step for
 * good with `INVALID_RESULT`; other tasks keep running. Each store adapter runs it against its real backend.
 *
 * @example
 * describeEngineBoundary('PostgreSQL', async () => createKnexStore(config));
 */
export function describeEngineBoundary(name: string, makeStore: StoreFactory): void {
  describe(`Engine JSON boundary: ${name}`, () => {
    let store: TaskStore;
    let engine: Engine;
    const run = async (context: JsonObject) => (await engine.runTask({ ...TEMPLATE, context })).taskId;
    const finished = (taskId: string) => engine.waitForTask(taskId, { timeoutMs: 10_000 });

    beforeEach(async () => {
      store = await makeStore();
      engine = createEngine({ store, pollIntervalMs: 50 });
      engine.registerHandler('work', work);
      engine.registerTemplate({ ...TEMPLATE, version: '1.0.0', steps: [{ name: 'work', handler: 'work' }] });
      await engine.start();
    });
    afterEach(async () => {
      await engine.stop({ gracePeriodMs: 0 });
      await store.close();
    });

    it('refuses a context, a key or a task name with a NUL or a lone surrogate, naming the path; stores nothing', async () => {
      await expect(run({ customer: { name: 'Ann\u0000' } })).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        field: 'context.customer.name',
        message: 'context.customer.name: contains a NUL character (\\u0000)',
      });
      await expect(run({ items: [{ sku: 'a\ud800' }] })).rejects.toMatchObject({
        field: 'context.items[0].sku',
        message: expect.stringContaining('lone surrogate (\\ud800)') as unknown,
      });
      await expect(run({ customer: { 'x\u0000': 1 } })).rejects.toMatchObject({ field: 'context.customer' });
      await expect(engine.runTask({ ...TEMPLATE, context: {}, idempotencyKey: 'key\u0000' })).rejects.toMatchObject({
        field: 'idempotencyKey',
      });
      await expect(engine.runTask({ ...TEMPLATE, name: 'order\u0000', context: {} })).rejects.toMatchObject({
        field: 'name',
      });
      expect((await engine.listTasks()).tasks).toEqual([]);
      expect((await finished(await run({ customer: { name: 'Ann' } }))).state).toBe('completed');
    });

    it('refuses a context nested 10,000 deep without overflowing the stack', async () => {
      await expect(run(nested(10_000))).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringContaining('nests deeper than 64 levels') as unknown,
      });
      expect((await engine.listTasks()).tasks).toEqual([]);
    });

    it('refuses a cancel reason with a NUL character; the task is untouched and cancels with a good one', async () => {
      const taskId = await run({ mode: 'fail' });
      expect((await finished(taskId)).state).toBe('failed');
      await expect(engine.cancelTask(taskId, { reason: 'bye\u0000' })).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        field: 'reason',
      });
      await expect(engine.cancelTask(taskId, { by: '\udc00' })).rejects.toMatchObject({ field: 'by' });
      expect((await engine.getTask(taskId)).state).toBe('failed');
      expect((await engine.getHistory(taskId)).some((entry) => entry.to === 'cancelled')).toBe(false);
      await engine.cancelTask(taskId, { reason: 'bye' });
      expect((await engine.getTask(taskId)).state).toBe('cancelled');
    });

    it('refuses resolve results with a NUL or a lone surrogate, naming the path', async () => {
      const taskId = await run({ mode: 'fail' });
      expect((await finished(taskId)).state).toBe('failed');
      await expect(engine.resolveStep(taskId, 'work', { payment_id: 'manual\u0000' })).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        field: 'results.payment_id',
      });
      await expect(engine.resolveStep(taskId, 'work', ['\ud800'])).rejects.toMatchObject({ field: 'results[0]' });
      expect((await engine.getTask(taskId)).steps[0]?.state).toBe('failed');
      await engine.resolveStep(taskId, 'work', { payment_id: 'manual' });
      const resolved = await finished(taskId);
      expect(resolved.steps[0]).toMatchObject({ state: 'resolved_manually', results: { payment_id: 'manual' } });
    });

    it('fails a step whose result holds a BigInt with INVALID_RESULT at once; other tasks complete', async () => {
      const bad = await run({ mode: 'bigint' });
      const good = await run({});
      const failed = await finished(bad);
      expect(failed.state).toBe('failed');
      expect(failed.steps[0]).toMatchObject({
        attempts: 1,
        error: { code: 'INVALID_RESULT', message: expect.stringMatching(/^results\.n: BigInt is not JSON/) as unknown },
      });
      expect((await finished(good)).state).toBe('completed');
      expect((await finished(await run({}))).state).toBe('completed');
    });

    it('keeps the code and the data of a thrown object that is not an Error', async () => {
      const retrying = waitForEvent(engine, 'step.retry_scheduled', undefined, 10_000);
      const taskId = await run({ mode: 'throw-object' });
      expect((await retrying).error).toMatchObject({ code: 'E_CUSTOM', data: { code: 'E_CUSTOM', detail: 1 } });
      const step = (await engine.getTask(taskId)).steps[0];
      expect(step?.error).toMatchObject({ code: 'E_CUSTOM', data: { code: 'E_CUSTOM', detail: 1 } });
    });
  });
}
