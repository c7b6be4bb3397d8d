import { CompensationHandler, PermanentError, createEngine, createMemoryStore } from '@tasker/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';

/** charge (refunded; the refund fails for good until `refunds.work`) -> ship (fails for good); note is skippable. */
function compensatingEngine(refunds: { work: boolean; calls: number }) {
  const store = createMemoryStore();
  const engine = createEngine({ store })
    .registerHandler('charge', () => ({ chargeId: 'ch_1' }))
    .registerHandler('note', () => 'noted')
    .registerHandler('ship', () => {
      throw new PermanentError('no carrier');
    })
    .registerHandler(
      'refund',
      class Refund extends CompensationHandler {
        async compensate() {
          refunds.calls++;
          if (!refunds.work) throw new PermanentError('card closed');
        }
      },
    );
  engine.registerTemplate({
    namespace: 'shop',
    name: 'order',
    version: '1.0.0',
    steps: [
      { name: 'charge', handler: 'charge', compensate: { handler: 'refund' } },
      { name: 'note', handler: 'note', skippable: true },
      { name: 'ship', handler: 'ship', dependsOn: ['charge', 'note'] },
    ],
  });
  return { store, engine };
}

describe('compensation over the REST API', () => {
  const refunds = { work: false, calls: 0 };
  let api: ApiHarness;
  beforeEach(async () => {
    refunds.work = false;
    refunds.calls = 0;
    const { store, engine } = compensatingEngine(refunds);
    api = await startApi(store, { engine });
  });
  afterEach(async () => {
    await api.close();
  });

  const create = (body: Record<string, unknown> = {}) =>
    api.call({
      method: 'POST',
      url: '/tasker/tasks',
      payload: { namespace: 'shop', name: 'order', context: {}, ...body },
    });
  const show = async (taskId: string) => (await api.call({ method: 'GET', url: `/tasker/tasks/${taskId}` })).json();

  it('shows compensation_failed, retries only the failed compensation, then refuses a retry of the compensated task', async () => {
    const created = await create({ bypass_steps: ['note'] });
    expect(created.statusCode).toBe(201);
    const taskId = created.json().task_id;
    await api.engine.waitForTask(taskId);
    const stuck = await show(taskId);
    expect(stuck.current_state).toBe('compensation_failed');
    expect(
      stuck.workflow_steps.map((step: { name: string; current_state: string }) => [step.name, step.current_state]),
    ).toEqual([
      ['charge', 'compensation_failed'],
      ['note', 'skipped'],
      ['ship', 'failed'],
    ]);

    refunds.work = true;
    const retried = await api.call({ method: 'POST', url: `/tasker/tasks/${taskId}/retry`, payload: {} });
    expect(retried.statusCode).toBe(200);
    const done = await api.engine.waitForTask(taskId);
    expect(done.state).toBe('failed');
    expect(refunds.calls).toBe(2);
    expect((await show(taskId)).workflow_steps[0].current_state).toBe('compensated');

    const refused = await api.call({ method: 'POST', url: `/tasker/tasks/${taskId}/retry`, payload: {} });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/retryAfterCompensation/);
  });

  it('resolves a failed compensation by hand', async () => {
    const taskId = (await create()).json().task_id;
    expect((await api.engine.waitForTask(taskId)).state).toBe('compensation_failed');
    const resolved = await api.call({
      method: 'POST',
      url: `/tasker/tasks/${taskId}/steps/charge/resolve`,
      payload: { results: { refunded_at: 'the bank' }, reason: 'refunded by phone' },
    });
    expect(resolved.statusCode).toBe(200);
    expect((await api.engine.waitForTask(taskId)).state).toBe('failed');
    expect((await show(taskId)).workflow_steps[0].current_state).toBe('compensated');
  });

  it("shows a template's compensations and skippable steps, and the compensation handler among the handlers", async () => {
    const template = (await api.call({ method: 'GET', url: '/tasker/namespaces/shop/templates/order' })).json();
    expect(
      template.steps.map((step: { compensate: unknown; skippable: boolean }) => [step.compensate, step.skippable]),
    ).toEqual([
      [{ handler: 'refund', retry_limit: null, timeout_ms: null }, false],
      [null, true],
      [null, false],
    ]);
    const handlers = (await api.call({ method: 'GET', url: '/tasker/handlers' })).json().handlers;
    expect(handlers.find((handler: { name: string }) => handler.name === 'refund')).toEqual({
      name: 'refund',
      kind: 'compensation',
      used_by: ['shop/order@1.0.0'],
    });
  });

  it('refuses to bypass a step that is not skippable, naming it (400)', async () => {
    const refused = await create({ bypass_steps: ['ship'] });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({
      code: 'INVALID_REQUEST',
      fields: [{ field: 'body.bypass_steps.0', message: "step 'ship' is not skippable, so it cannot be bypassed" }],
    });
  });
});
