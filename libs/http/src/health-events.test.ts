import { createMemoryStore, type TaskStore } from '@tasker/core';
import { createKnexStore } from '@tasker/store-knex';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApi, testToken, type ApiHarness } from './test-fixtures/api-harness.js';
import { taskerApi } from './index.js';
import { checkoutEngine, orderContext } from './test-fixtures/checkout-engine.js';
import { seedTask } from './test-fixtures/seed-activity.js';
import { readEventStream } from './test-fixtures/sse-client.js';

describe('health, events, metrics and docs over a listening server', () => {
  let store: TaskStore;
  let api: ApiHarness;
  let base: string;
  beforeEach(async () => {
    store = createMemoryStore();
    api = await startApi(store, { metrics: async () => '# TYPE tasker_tasks_total counter\ntasker_tasks_total 3\n' });
    base = await api.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    await api.close();
  });

  it('creates and shows a task over real HTTP with the seed calls', async () => {
    const token = await testToken();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${base}/tasker/tasks`, {
      method: 'POST',
      headers: { ...headers, 'x-correlation-id': 'req_http' },
      body: JSON.stringify({
        namespace: 'ecommerce',
        name: 'process_order',
        context: orderContext({ token: 'tok_flaky' }),
      }),
    });
    expect(created.status).toBe(201);
    const { task_id: taskId } = (await created.json()) as { task_id: string };
    await api.engine.waitForTask(taskId, { timeoutMs: 5_000 });
    const task = (await (await fetch(`${base}/tasker/tasks/${taskId}`, { headers })).json()) as {
      current_state: string;
      workflow_steps: Array<{ name: string; attempts: number }>;
    };
    expect(task.current_state).toBe('completed');
    expect(task.workflow_steps.find((step) => step.name === 'process_payment')?.attempts).toBe(2);
    const steps = await fetch(`${base}/tasker/tasks/${taskId}/steps`, { headers });
    expect(((await steps.json()) as { workflow_steps: unknown[] }).workflow_steps).toHaveLength(5);
    const unauthenticated = await fetch(`${base}/tasker/handlers`);
    expect(unauthenticated.status).toBe(401);
  });

  it('streams engine events as server-sent events, filtered by type and namespace', async () => {
    const token = await testToken();
    const events = await readEventStream(`${base}/tasker/events?type=task.*&namespace=ecommerce`, {
      token,
      count: 2,
      connected: async () => {
        await api.call({
          method: 'POST',
          url: '/tasker/tasks',
          payload: { namespace: 'payments', name: 'process_refund', context: {} },
        });
        await api.call({
          method: 'POST',
          url: '/tasker/tasks',
          payload: { namespace: 'ecommerce', name: 'process_order', context: orderContext() },
        });
      },
    });
    expect(events.map((event) => event.event)).toEqual(['task.started', 'task.completed']);
    expect(events[1]!.data).toMatchObject({
      type: 'task.completed',
      namespace: 'ecommerce',
      task_name: 'process_order',
      to_state: 'completed',
    });
    const forbidden = await fetch(`${base}/tasker/events?namespace=payments`, {
      headers: { authorization: `Bearer ${await testToken({ namespaces: ['ecommerce'] })}` },
    });
    expect(forbidden.status).toBe(403);
    const lingering = await fetch(`${base}/tasker/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(lingering.status).toBe(200);
    await api.close(); // ends the stream still open instead of waiting for it
    expect(await lingering.text()).toBe(': connected\n\n');
    api = await startApi(store);
    base = await api.app.listen({ port: 0, host: '127.0.0.1' });
    const badType = await fetch(`${base}/tasker/events?type=task.exploded`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(badType.status).toBe(400);
  });

  it('streams the custom events handlers publish, all of them or one by name', async () => {
    const token = await testToken();
    const refund = async () => {
      await api.call({
        method: 'POST',
        url: '/tasker/tasks',
        payload: { namespace: 'payments', name: 'process_refund', context: {} },
      });
    };
    for (const type of ['custom.*', 'custom.refund_issued']) {
      const events = await readEventStream(`${base}/tasker/events?type=${type}`, {
        token,
        count: 1,
        connected: refund,
      });
      expect(events).toEqual([
        {
          id: expect.any(String),
          event: 'custom.refund_issued',
          data: expect.objectContaining({
            type: 'custom.refund_issued',
            event_name: 'refund_issued',
            namespace: 'payments',
            task_name: 'process_refund',
            step_name: 'refund',
            attempt: 1,
            payload: { refund_id: 're_1' },
          }),
        },
      ]);
    }
    const badName = await fetch(`${base}/tasker/events?type=custom.no%20such`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(badName.status).toBe(400);
  });

  it('counts tasks by state in the status, with this engine, the tasks waiting and the workers holding leases', async () => {
    const now = Date.now();
    await seedTask(store, { createdAt: now - 1000, state: 'completed', durationMs: 5 });
    await seedTask(store, { createdAt: now - 2000, state: 'failed' });
    await seedTask(store, { createdAt: now - 3000, state: 'failed', namespace: 'payments', name: 'process_refund' });
    // Two tasks not started: another worker holds one, the other waits for any worker (this one stops working).
    await api.engine.stop();
    await seedTask(store, { createdAt: now - 500, state: 'pending' });
    await seedTask(store, { createdAt: now - 400, state: 'pending' });
    await store.claimTasks({ workerId: 'pod-7', now, until: now + 60_000, limit: 1 });
    const status = await api.call({ method: 'GET', url: '/tasker/health/status' });
    expect(status.json()).toMatchObject({
      window: '24h',
      tasks_by_state: { pending: 2, in_progress: 0, completed: 1, failed: 2, cancelled: 0, resolved_manually: 0 },
      engine: { active_tasks: 0, held_leases: 0 },
      waiting_tasks: 1,
      workers: [{ worker_id: 'pod-7', leases: 1, first_lease_expiry: new Date(now + 60_000).toISOString() }],
    });
    const scoped = await api.call(
      { method: 'GET', url: '/tasker/health/status' },
      { namespaces: ['payments'], permissions: ['tasks:read'] },
    );
    expect(scoped.json().tasks_by_state).toMatchObject({ pending: 0, completed: 0, failed: 1 });
    // Workers, leases and waiting tasks span every namespace: they need workers:read.
    expect(Object.keys(scoped.json()).sort()).toEqual(['generated_at', 'tasks_by_state', 'window']);
  });

  it('serves the metrics source as Prometheus text, behind metrics:read', async () => {
    const metrics = await api.call({ method: 'GET', url: '/tasker/metrics' }, { permissions: ['metrics:read'] });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toContain('tasker_tasks_total 3');
    // Counters span every namespace: a token that reads its own namespace's tasks and analytics does not see them.
    const reader = { permissions: ['tasks:read', 'analytics:read'], namespaces: ['payments'] };
    const refused = await api.call({ method: 'GET', url: '/tasker/metrics' }, reader);
    expect([refused.statusCode, refused.json().error.message]).toEqual([
      403,
      'The token lacks the permission metrics:read',
    ]);
  });

  it('describes every route in OpenAPI at /tasker/docs', async () => {
    const document = (await api.call({ method: 'GET', url: '/tasker/docs/json' }, null)).json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/tasker/tasks',
        '/tasker/tasks/{taskId}',
        '/tasker/tasks/{taskId}/steps/{stepName}/resolve',
        '/tasker/namespaces/{namespace}/templates/{name}',
        '/tasker/analytics/bottlenecks',
        '/tasker/health/status',
        '/tasker/events',
      ]),
    );
    expect(document.paths['/tasker/tasks'].post.requestBody.content['application/json'].schema.required).toEqual([
      'namespace',
      'name',
      'context',
    ]);
    const page = await api.call({ method: 'GET', url: '/tasker/docs' }, null);
    expect([200, 302]).toContain(page.statusCode);
  });
});

describe('a store that is down', () => {
  it('answers 503 STORE_UNAVAILABLE for readiness, reads and task creation', async () => {
    // Nothing listens on port 1: every connection is refused at once.
    const store = createKnexStore({
      client: 'pg',
      connection: 'postgres://postgres@127.0.0.1:1/none',
      pool: { min: 0, max: 1 },
    });
    const app = Fastify();
    await app.register(taskerApi, {
      prefix: '/tasker',
      engine: checkoutEngine(store),
      auth: { disabled: true },
      storeTimeoutMs: 2_000,
    });
    try {
      for (const request of [
        { method: 'GET' as const, url: '/tasker/health/ready' },
        { method: 'GET' as const, url: '/tasker/tasks' },
        {
          method: 'POST' as const,
          url: '/tasker/tasks',
          payload: { namespace: 'ecommerce', name: 'process_order', context: orderContext() },
        },
      ]) {
        const answer = await app.inject(request);
        expect([answer.statusCode, answer.json().error.code]).toEqual([503, 'STORE_UNAVAILABLE']);
        // The cause is in the log, under the request's id, which the answer carries instead.
        expect(answer.json().error.request_id).toMatch(/^req-/);
      }
      expect((await app.inject({ method: 'GET', url: '/tasker/health/live' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
