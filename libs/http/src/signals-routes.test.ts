import { createEngine, createMemoryStore, silentLogger } from '@tasker/core';
import { waitForEvent } from '@tasker/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';

/** validate -> review (a signal step `approved` whose payload must say who approved) -> charge. */
function reviewEngine() {
  const engine = createEngine({ store: createMemoryStore(), logger: silentLogger })
    .registerHandler('validate', () => ({ total: 2_500 }))
    .registerHandler('charge', (ctx) => ({ approvedBy: ctx.results<{ by: string }>('review').by }));
  engine.registerTemplate({
    namespace: 'shop',
    name: 'order',
    version: '1.0.0',
    steps: [
      { name: 'validate', handler: 'validate' },
      { name: 'review', type: 'signal', signal: 'approved', dependsOn: ['validate'] },
      { name: 'charge', handler: 'charge', dependsOn: ['review'] },
    ],
    validateSignal: (_signal, payload) =>
      typeof (payload as { by?: unknown } | null)?.by === 'string' ? [] : [{ path: '/by', message: 'is required' }],
  });
  return engine;
}

describe('signals over the REST API', () => {
  let api: ApiHarness;
  let taskId: string;
  beforeEach(async () => {
    api = await startApi(createMemoryStore(), { engine: reviewEngine() });
    const waiting = waitForEvent(api.engine, 'step.waiting');
    taskId = (await api.engine.runTask({ namespace: 'shop', name: 'order', context: {} })).taskId;
    await waiting;
  });
  afterEach(async () => {
    await api.close();
  });

  const signal = (name: string, payload: unknown, claims = {}) =>
    api.call({ method: 'POST', url: `/tasker/tasks/${taskId}/signals/${name}`, payload: payload as object }, claims);

  it('shows a waiting step with what it waits for, and completes it with the payload of a signal', async () => {
    const shown = (await api.call({ method: 'GET', url: `/tasker/tasks/${taskId}` })).json();
    expect(shown.workflow_steps[1]).toMatchObject({
      current_state: 'waiting',
      waiting_for: { signal: 'approved', until: null },
    });
    const sent = await signal('approved', { by: 'ana' });
    expect(sent.statusCode).toBe(202);
    expect(sent.json()).toEqual({
      task_id: taskId,
      signal: 'approved',
      outcome: 'stored',
      links: { task: `/tasker/tasks/${taskId}` },
    });
    const task = await api.engine.waitForTask(taskId);
    expect(task.state).toBe('completed');
    expect(task.steps[2]!.results).toEqual({ approvedBy: 'ana' });
  });

  it('answers a payload that breaks the schema with 400 naming the field, an undeclared name with 404', async () => {
    const invalid = await signal('approved', { who: 'ana' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error).toMatchObject({
      code: 'INVALID_SIGNAL',
      fields: [{ field: 'body.by', message: 'is required' }],
    });
    const unknown = await signal('rejected', {});
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('SIGNAL_NOT_DECLARED');
  });

  it('answers a repeated signal and a signal to a finished task with 409', async () => {
    expect((await signal('approved', { by: 'ana' })).statusCode).toBe(202);
    const again = await signal('approved', { by: 'bob' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('SIGNAL_ALREADY_SENT');
    await api.engine.waitForTask(taskId);
    const late = await signal('approved', { by: 'bob' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('TASK_FINISHED');
  });

  it('needs the tasks:signal permission and the task namespace; an unknown task is 404', async () => {
    expect((await signal('approved', { by: 'ana' }, { permissions: ['tasks:read'] })).statusCode).toBe(403);
    expect((await signal('approved', { by: 'ana' }, { namespaces: ['other'] })).statusCode).toBe(404);
    const missing = await api.call({
      method: 'POST',
      url: '/tasker/tasks/00000000-0000-4000-8000-000000000000/signals/approved',
      payload: {},
    });
    expect(missing.statusCode).toBe(404);
    expect((await api.engine.getTask(taskId)).steps[1]!.state).toBe('waiting');
  });
});
