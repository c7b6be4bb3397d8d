import { createEngine, createMemoryStore, silentLogger } from '@tasker/core';
import { SimulatedClock, waitForEvent } from '@tasker/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';

describe('throttled steps over the REST API', () => {
  let api: ApiHarness | undefined;
  afterEach(async () => {
    await api?.close();
  });

  it('shows a step over its rate limit as throttled, with when it asks again', async () => {
    const clock = new SimulatedClock();
    const store = createMemoryStore();
    const engine = createEngine({ store, clock, logger: silentLogger }).registerHandler('pay', () => ({ paid: true }));
    engine.registerTemplate({
      namespace: 'shop',
      name: 'order',
      version: '1.0.0',
      steps: [{ name: 'pay', handler: 'pay', rateLimit: { key: '$.context.merchant_id', limit: 1, periodMs: 60_000 } }],
    });
    api = await startApi(store, { engine });
    const run = () => engine.runTask({ namespace: 'shop', name: 'order', context: { merchant_id: 'm-1' } });
    await engine.waitForTask((await run()).taskId);
    const throttled = waitForEvent(engine, 'step.throttled');
    const { taskId } = await run();
    await throttled;
    const shown = (await api.call({ method: 'GET', url: `/tasker/tasks/${taskId}` })).json();
    expect(shown.workflow_steps[0]).toMatchObject({
      current_state: 'throttled',
      attempts: 0,
      next_retry_at: new Date(clock.now() + 60_000).toISOString(),
    });
    clock.increment(60_000);
    expect((await engine.waitForTask(taskId)).state).toBe('completed');
  });
});

describe('task priorities over the REST API', () => {
  let api: ApiHarness | undefined;
  afterEach(async () => {
    await api?.close();
  });

  it('takes a priority with a task request and shows it; refuses one that is not 0 to 1000, naming it', async () => {
    const store = createMemoryStore();
    const engine = createEngine({ store, logger: silentLogger }).registerHandler('pay', () => ({ paid: true }));
    engine.registerTemplate({
      namespace: 'shop',
      name: 'order',
      version: '1.0.0',
      steps: [{ name: 'pay', handler: 'pay' }],
    });
    api = await startApi(store, { engine });
    const post = (priority: unknown) =>
      api!.call({
        method: 'POST',
        url: '/tasker/tasks',
        payload: { namespace: 'shop', name: 'order', context: {}, priority } as object,
      });
    const created = await post(7);
    expect(created.statusCode).toBe(201);
    const shown = await api.call({ method: 'GET', url: `/tasker/tasks/${created.json().task_id}` });
    expect(shown.json()).toMatchObject({ priority: 7 });
    const refused = await post(2.5);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toMatch(/priority: must be a whole number from 0 to 1000/);
    expect((await engine.listTasks({})).tasks).toHaveLength(1);
  });
});
