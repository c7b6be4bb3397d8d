import { createEngine, createMemoryStore, silentLogger } from '@tasker/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';

/** choose (a decision) -> express | standard (deferred) and notify (maps over the context's recipients). */
function shippingEngine() {
  const engine = createEngine({ store: createMemoryStore(), logger: silentLogger })
    .registerHandler('choose', () => ({ activate: ['standard'] }))
    .registerHandler('ship', (ctx) => ctx.step.name)
    .registerHandler('notify', (ctx) => `mailed ${String(ctx.item)}`);
  engine.registerTemplate({
    namespace: 'shop',
    name: 'ship',
    version: '1.0.0',
    steps: [
      { name: 'choose', type: 'decision', handler: 'choose' },
      { name: 'express', handler: 'ship', dependsOn: ['choose'], deferred: true },
      { name: 'standard', handler: 'ship', dependsOn: ['choose'], deferred: true },
      { name: 'notify', handler: 'notify', dependsOn: ['express', 'standard'], map: { over: '$.context.to' } },
    ],
  });
  return engine;
}

describe('decision and map steps over the REST API', () => {
  let api: ApiHarness;
  let taskId: string;
  beforeEach(async () => {
    api = await startApi(createMemoryStore(), { engine: shippingEngine() });
    taskId = (await api.engine.runTask({ namespace: 'shop', name: 'ship', context: { to: ['ana', 'bo', 'cy'] } }))
      .taskId;
    await api.engine.waitForTask(taskId);
  });
  afterEach(async () => {
    await api.close();
  });

  it("shows the skipped branch, and a map step's items counted by state (null for other steps)", async () => {
    const shown = (await api.call({ method: 'GET', url: `/tasker/tasks/${taskId}` })).json();
    expect(shown.workflow_steps.map((step: { name: string; current_state: string }) => step.current_state)).toEqual([
      'completed',
      'skipped',
      'completed',
      'completed',
    ]);
    expect(shown.workflow_steps[3].items).toEqual({
      total: 3,
      in_progress: 0,
      waiting_for_retry: 0,
      completed: 3,
      failed: 0,
    });
    expect(shown.workflow_steps[0].items).toBeNull();
  });

  it("lists a map step's items a page at a time, and refuses a step that does not map or a bad page", async () => {
    const page = await api.call({ method: 'GET', url: `/tasker/tasks/${taskId}/steps/notify/items?offset=1&limit=1` });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({
      task_id: taskId,
      step_name: 'notify',
      offset: 1,
      items: [{ index: 1, current_state: 'completed', attempts: 1, results: 'mailed bo', error_message: null }],
    });
    const notMap = await api.call({ method: 'GET', url: `/tasker/tasks/${taskId}/steps/choose/items` });
    expect(notMap.statusCode).toBe(404);
    expect(notMap.json().error.code).toBe('STEP_NOT_FOUND');
    const badPage = await api.call({ method: 'GET', url: `/tasker/tasks/${taskId}/steps/notify/items?limit=5000` });
    expect(badPage.statusCode).toBe(400);
  });
});
