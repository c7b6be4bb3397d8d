import { createMemoryStore } from '@tasker/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';
import { orderContext } from './test-fixtures/checkout-engine.js';

describe('task deadlines over the REST API', () => {
  let api: ApiHarness;
  beforeEach(async () => {
    api = await startApi(createMemoryStore());
  });
  afterEach(async () => {
    await api.close();
  });

  const order = (body: Record<string, unknown> = {}) => ({
    namespace: 'ecommerce',
    name: 'process_order',
    context: orderContext(),
    ...body,
  });
  const create = (payload: Record<string, unknown>) => api.call({ method: 'POST', url: '/tasker/tasks', payload });

  it('takes deadline_ms on a task request and shows deadline_at, counted from run_at for a delayed task', async () => {
    const created = await create(order({ deadline_ms: 900_000 }));
    expect(created.statusCode).toBe(201);
    const shown = (await api.call({ method: 'GET', url: `/tasker/tasks/${created.json().task_id}` })).json();
    expect(Date.parse(shown.deadline_at) - Date.parse(shown.created_at)).toBe(900_000);
    const runAt = new Date(Date.now() + 3_600_000).toISOString();
    const delayed = await create(order({ deadline_ms: 60_000, run_at: runAt }));
    const listed = (await api.call({ method: 'GET', url: '/tasker/tasks?state=pending' })).json();
    const summary = listed.tasks.find((task: { task_id: string }) => task.task_id === delayed.json().task_id);
    expect(summary.deadline_at).toBe(new Date(Date.parse(runAt) + 60_000).toISOString());
    const untimed = await create(order());
    const plain = (await api.call({ method: 'GET', url: `/tasker/tasks/${untimed.json().task_id}` })).json();
    expect(plain.deadline_at).toBeNull();
  });

  it.each([
    [0, 'must be 1 or more (milliseconds)'],
    [-1, 'must be 1 or more (milliseconds)'],
    [1.5, 'must be a whole number of milliseconds'],
    ['1000', 'must be a whole number of milliseconds'],
  ])('refuses deadline_ms %j with a 400 naming body.deadline_ms, storing nothing', async (deadline, message) => {
    const answer = await create(order({ deadline_ms: deadline }));
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error.fields).toEqual([{ field: 'body.deadline_ms', message }]);
    expect((await api.engine.listTasks()).tasks).toEqual([]);
  });
});
