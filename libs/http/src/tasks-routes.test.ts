import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';
import { orderContext } from './test-fixtures/checkout-engine.js';
import { useTestStores } from './test-fixtures/test-stores.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe.each(useTestStores())('tasks and steps over the REST API on %s', (_name, makeStore) => {
  let api: ApiHarness;
  beforeEach(async () => {
    api = await startApi(makeStore());
  });
  afterEach(async () => {
    await api.close();
  });

  const order = (body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    api.call({
      method: 'POST',
      url: '/tasker/tasks',
      headers,
      payload: { namespace: 'ecommerce', name: 'process_order', context: orderContext(), ...body },
    });

  it("runs the seed's checkout and shows it as the seed reads it: current_state and workflow_steps", async () => {
    const created = await order({}, { 'x-correlation-id': 'req_abc123', traceparent: TRACEPARENT, tracestate: 'v=1' });
    expect(created.statusCode).toBe(201);
    const { task_id: taskId, correlation_id, links } = created.json();
    expect(correlation_id).toBe('req_abc123');
    expect(created.headers['x-correlation-id']).toBe('req_abc123');
    expect(created.headers.location).toBe(`/tasker/tasks/${taskId}`);
    expect(links.self).toBe(`/tasker/tasks/${taskId}`);
    expect((await api.store.getTask(taskId))?.traceContext).toEqual({ traceparent: TRACEPARENT, tracestate: 'v=1' });
    await api.engine.waitForTask(taskId, { timeoutMs: 5_000 });

    const shown = await api.call({ method: 'GET', url: `/tasker/tasks/${taskId}` });
    expect(shown.statusCode).toBe(200);
    const task = shown.json();
    expect(task).toMatchObject({
      task_id: taskId,
      namespace: 'ecommerce',
      name: 'process_order',
      version: '1.0.0',
      current_state: 'completed',
      correlation_id: 'req_abc123',
      initiator: 'operator@example.com',
      // The trace id of the traceparent the task was created with, for a link to the trace viewer.
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      context: orderContext(),
    });
    expect(task.workflow_steps.map((step: { name: string }) => step.name)).toEqual([
      'validate_cart',
      'process_payment',
      'update_inventory',
      'create_order',
      'send_confirmation',
    ]);
    const payment = task.workflow_steps[1];
    expect(payment).toMatchObject({
      name: 'process_payment',
      current_state: 'completed',
      attempts: 1,
      results: { payment_id: 'pi_1234', amount_charged: 20.52 },
      error_message: null,
      timeout_ms: 30_000,
    });
    expect(typeof payment.duration_ms).toBe('number');
    expect(task.history.at(-1)).toMatchObject({ step_name: null, to_state: 'completed', by: 'engine' });
    expect(task.annotations).toEqual([]);
  });

  it('keeps the request fields initiator, source_system, reason and tags, and shows them in the task and lists', async () => {
    const fields = { initiator: 'ops@example.com', source_system: 'storefront', reason: 'reorder', tags: ['vip'] };
    const { task_id: taskId } = (await order(fields)).json();
    // Created without a traceparent: no trace to link to.
    expect((await api.call({ method: 'GET', url: `/tasker/tasks/${taskId}` })).json()).toMatchObject({
      ...fields,
      trace_id: null,
    });
    const listed = (await api.call({ method: 'GET', url: '/tasker/tasks' })).json();
    expect(listed.tasks.find((task: { task_id: string }) => task.task_id === taskId)).toMatchObject(fields);
    const bad = await order({ tags: 'vip', source_system: 7 });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .error.fields.map((field: { field: string }) => field.field)
        .sort(),
    ).toEqual(['body.source_system', 'body.tags']);
  });

  it('answers a repeated idempotency key with 200 and the first task, storing one task', async () => {
    const first = await order({ idempotency_key: 'order-42' });
    const again = await order({ idempotency_key: 'order-42' });
    expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
    expect(again.json()).toMatchObject({ task_id: first.json().task_id, created: false });
    expect((await api.store.listTasks({})).tasks).toHaveLength(1);
  });

  it('shows the failed step of a declined payment, refuses to cancel a finished task, and resolves the step', async () => {
    const { task_id: taskId } = (await order({ context: orderContext({ token: 'tok_declined' }) })).json();
    await api.engine.waitForTask(taskId, { timeoutMs: 5_000 });
    const steps = (await api.call({ method: 'GET', url: `/tasker/tasks/${taskId}/steps` })).json();
    expect(steps.current_state).toBe('failed');
    const failed = steps.workflow_steps.find((step: { current_state: string }) => step.current_state === 'failed');
    expect(failed).toMatchObject({ name: 'process_payment', error_message: 'Card declined', attempts: 1 });
    // The stack of what the handler threw points at the handler's own file, for the operator to find the line.
    expect(failed.error_stack).toMatch(/^PermanentError: Card declined\n[\s\S]*checkout-engine\.ts:\d+/);
    const { history: failedHistory } = (await api.call({ method: 'GET', url: `/tasker/tasks/${taskId}` })).json();
    const failure = failedHistory.find((entry: { to_state: string }) => entry.to_state === 'failed');
    expect(failure.error_stack).toBe(failed.error_stack);

    const step = await api.call({ method: 'GET', url: `/tasker/tasks/${taskId}/steps/update_inventory` });
    expect(step.json()).toMatchObject({
      name: 'update_inventory',
      current_state: 'pending',
      depends_on: ['process_payment'],
    });

    const resolved = await api.call({
      method: 'POST',
      url: `/tasker/tasks/${taskId}/steps/process_payment/resolve`,
      payload: { results: { payment_id: 'manual' }, reason: 'charged by phone' },
    });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({ current_state: 'resolved_manually', results: { payment_id: 'manual' } });
    const done = await api.engine.waitForTask(taskId, { timeoutMs: 5_000 });
    expect(done.state).toBe('resolved_manually');
    expect(done.steps.map((step) => step.state)).toEqual([
      'completed',
      'resolved_manually',
      'completed',
      'completed',
      'completed',
    ]);
    const history = (await api.call({ method: 'GET', url: `/tasker/tasks/${taskId}` })).json().history;
    expect(history).toContainEqual(
      expect.objectContaining({
        step_name: 'process_payment',
        to_state: 'resolved_manually',
        by: 'operator@example.com',
        reason: 'charged by phone',
      }),
    );

    const cancel = await api.call({ method: 'POST', url: `/tasker/tasks/${taskId}/cancel` });
    expect(cancel.statusCode).toBe(409);
    expect(cancel.json().error.code).toBe('INVALID_TRANSITION');
    const resolveAgain = await api.call({
      method: 'POST',
      url: `/tasker/tasks/${taskId}/steps/process_payment/resolve`,
      payload: { results: null },
    });
    expect(resolveAgain.statusCode).toBe(409);
  });

  it('retries a failed task and cancels a failed one, each recorded with who asked', async () => {
    const { task_id: retried } = (await order({ context: orderContext({ token: 'tok_declined' }) })).json();
    await api.engine.waitForTask(retried, { timeoutMs: 5_000 });
    const retry = await api.call({
      method: 'POST',
      url: `/tasker/tasks/${retried}/retry`,
      payload: { reason: 'card updated' },
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().history).toContainEqual(
      expect.objectContaining({
        step_name: null,
        from_state: 'failed',
        to_state: 'in_progress',
        reason: 'card updated',
      }),
    );
    await api.engine.waitForTask(retried, { timeoutMs: 5_000 });

    const cancel = await api.call({ method: 'POST', url: `/tasker/tasks/${retried}/cancel` });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json().current_state).toBe('cancelled');
    const retryCancelled = await api.call({ method: 'POST', url: `/tasker/tasks/${retried}/retry` });
    expect(retryCancelled.statusCode).toBe(409);
    expect(retryCancelled.json().error.code).toBe('INVALID_TRANSITION');
  });

  it('lists tasks with filters and pages through them with a cursor', async () => {
    const ids: string[] = [];
    for (const correlation of ['a', 'b', 'c'])
      ids.push((await order({}, { 'x-correlation-id': `list-${correlation}` })).json().task_id);
    const refund = (
      await api.call({
        method: 'POST',
        url: '/tasker/tasks',
        payload: { namespace: 'payments', name: 'process_refund', context: {} },
      })
    ).json().task_id;
    for (const id of [...ids, refund]) await api.engine.waitForTask(id, { timeoutMs: 5_000 });

    const list = async (query: string) => {
      const response = await api.call({ method: 'GET', url: `/tasker/tasks?${query}` });
      expect(response.statusCode).toBe(200);
      return response.json() as { tasks: Array<{ task_id: string }>; next_cursor: string | null };
    };
    expect((await list('namespace=payments')).tasks.map((task) => task.task_id)).toEqual([refund]);
    expect((await list('correlation_id=list-b')).tasks.map((task) => task.task_id)).toEqual([ids[1]]);
    expect((await list('state=completed,failed&name=process_order&version=1.0.0')).tasks).toHaveLength(3);
    expect((await list('state=pending')).tasks).toEqual([]);
    expect(
      (await list(`created_from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).tasks,
    ).toEqual([]);
    expect(
      (await list(`created_to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).tasks,
    ).toHaveLength(4);
    expect((await list('annotation_type=nothing')).tasks).toEqual([]);

    const seen: string[] = [];
    let page = await list('limit=3');
    seen.push(...page.tasks.map((task) => task.task_id));
    expect(page.next_cursor).not.toBeNull();
    page = await list(`limit=3&cursor=${page.next_cursor}`);
    seen.push(...page.tasks.map((task) => task.task_id));
    expect(page.next_cursor).toBeNull();
    expect(new Set(seen)).toEqual(new Set([...ids, refund]));
  });

  it('refuses bad requests with 400 naming each field, and stores nothing for them', async () => {
    const missing = await api.call({
      method: 'POST',
      url: '/tasker/tasks',
      payload: { namespace: 'ecommerce', context: [] },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.code).toBe('INVALID_REQUEST');
    expect(
      missing
        .json()
        .error.fields.map((field: { field: string }) => field.field)
        .sort(),
    ).toEqual(['body.context', 'body.name']);

    const badContext = await order({ context: { cart_items: 'none', payment_info: {} } });
    expect(badContext.statusCode).toBe(400);
    expect(badContext.json().error.code).toBe('INVALID_CONTEXT');
    const fields = badContext.json().error.fields.map((field: { field: string }) => field.field);
    expect(fields.sort()).toEqual(['body.context.cart_items', 'body.context.customer_info']);

    const unknownTemplate = await order({ name: 'no_such_template' });
    expect(unknownTemplate.statusCode).toBe(404);
    expect(unknownTemplate.json().error.code).toBe('TEMPLATE_NOT_FOUND');

    const badQuery = await api.call({ method: 'GET', url: '/tasker/tasks?state=lost&limit=0&colour=red' });
    expect(badQuery.statusCode).toBe(400);
    expect(badQuery.json().error.fields.map((field: { field: string }) => field.field)).toEqual(
      expect.arrayContaining(['query.state.0', 'query.limit']),
    );
    const badCursor = await api.call({ method: 'GET', url: '/tasker/tasks?cursor=garbage' });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().error.fields).toEqual([{ field: 'cursor', message: expect.stringMatching(/cursor/) }]);

    const longCorrelation = await order({}, { 'x-correlation-id': 'x'.repeat(201) });
    expect(longCorrelation.statusCode).toBe(400);
    expect(longCorrelation.json().error.fields[0].field).toBe('headers.x-correlation-id');
    expect((await api.store.listTasks({})).tasks).toEqual([]);
  });

  it('answers 404 for an unknown task or step and for an unknown route', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const task = await api.call({ method: 'GET', url: `/tasker/tasks/${id}` });
    expect([task.statusCode, task.json().error.code]).toEqual([404, 'TASK_NOT_FOUND']);
    const { task_id: taskId } = (await order()).json();
    const step = await api.call({ method: 'GET', url: `/tasker/tasks/${taskId}/steps/nope` });
    expect([step.statusCode, step.json().error.code]).toEqual([404, 'STEP_NOT_FOUND']);
    const route = await api.call({ method: 'GET', url: '/tasker/nowhere' });
    expect([route.statusCode, route.json().error.code]).toEqual([404, 'NOT_FOUND']);
    const notUuid = await api.call({ method: 'GET', url: '/tasker/tasks/42' });
    expect([notUuid.statusCode, notUuid.json().error.fields[0].field]).toEqual([400, 'params.taskId']);
  });
});
