import { createMemoryStore } from '@tasker/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';
import { orderContext } from './test-fixtures/checkout-engine.js';

describe('schedules and delayed tasks over the REST API', () => {
  let api: ApiHarness;
  beforeEach(async () => {
    api = await startApi(createMemoryStore());
  });
  afterEach(async () => {
    await api.close();
  });

  const nightly = (body: Record<string, unknown> = {}) => ({
    cron: '0 0 2 * * *',
    timezone: 'Europe/Oslo',
    task: { namespace: 'ecommerce', name: 'process_order', context: orderContext() },
    catch_up: 'latest',
    ...body,
  });
  const put = (id: string, payload: Record<string, unknown>, claims = {}) =>
    api.call({ method: 'PUT', url: `/tasker/schedules/${id}`, payload }, claims);

  it('creates, lists, shows, replaces and deletes a schedule', async () => {
    const created = await put('nightly', nightly());
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({
      id: 'nightly',
      cron: '0 0 2 * * *',
      timezone: 'Europe/Oslo',
      task: { namespace: 'ecommerce', name: 'process_order', version: null },
      catch_up: 'latest',
      overlap: 'allow',
      last_task_id: null,
    });
    expect(Date.parse(created.json().next_fire_at)).toBeGreaterThan(Date.now());
    expect((await put('nightly', nightly({ overlap: 'skip' }))).json().overlap).toBe('skip');
    const listed = await api.call({ method: 'GET', url: '/tasker/schedules' });
    expect(listed.json().schedules.map((schedule: { id: string }) => schedule.id)).toEqual(['nightly']);
    expect((await api.call({ method: 'GET', url: '/tasker/schedules/nightly' })).json().overlap).toBe('skip');
    expect((await api.call({ method: 'DELETE', url: '/tasker/schedules/nightly' })).statusCode).toBe(204);
    const gone = await api.call({ method: 'GET', url: '/tasker/schedules/nightly' });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('SCHEDULE_NOT_FOUND');
  });

  it.each([
    [{ cron: 'at two' }, 'body.cron'],
    [{ timezone: 'Mars/Olympus' }, 'body.timezone'],
    [{ catch_up: 'some' }, 'body.catch_up'],
    [{ task: { namespace: 'ecommerce', name: 'nothing', context: {} } }, undefined],
  ])('refuses a bad schedule %j with a 4xx naming the field, storing nothing', async (change, field) => {
    const answer = await put('nightly', nightly(change));
    expect([400, 404]).toContain(answer.statusCode);
    if (field) expect(answer.json().error.fields.map((detail: { field: string }) => detail.field)).toContain(field);
    expect(await api.engine.listSchedules()).toEqual([]);
  });

  it('requires schedules:read and schedules:write, and keeps each namespace to its tokens', async () => {
    expect((await put('nightly', nightly(), { permissions: ['schedules:read'] })).statusCode).toBe(403);
    expect((await put('nightly', nightly(), { namespaces: ['payments'] })).statusCode).toBe(403);
    expect((await put('nightly', nightly(), { permissions: ['schedules:write'] })).statusCode).toBe(200);
    const list = { method: 'GET' as const, url: '/tasker/schedules' };
    expect((await api.call(list, { permissions: ['tasks:read'] })).statusCode).toBe(403);
    expect((await api.call(list, { permissions: ['schedules:read'], namespaces: ['payments'] })).json()).toEqual({
      schedules: [],
    });
    const other = { method: 'GET' as const, url: '/tasker/schedules/nightly' };
    expect((await api.call(other, { namespaces: ['payments'] })).statusCode).toBe(404);
    const remove = { method: 'DELETE' as const, url: '/tasker/schedules/nightly' };
    expect((await api.call(remove, { namespaces: ['payments'] })).statusCode).toBe(404);
    expect((await api.call(remove, { permissions: ['schedules:read'] })).statusCode).toBe(403);
    expect(await api.engine.listSchedules()).toHaveLength(1);
  });

  it('stores a task with run_at for later and shows run_at; refuses a run_at without a zone', async () => {
    const runAt = new Date(Date.now() + 3_600_000).toISOString();
    const payload = { namespace: 'ecommerce', name: 'process_order', context: orderContext(), run_at: runAt };
    const created = await api.call({ method: 'POST', url: '/tasker/tasks', payload });
    expect(created.statusCode).toBe(201);
    const shown = (await api.call({ method: 'GET', url: `/tasker/tasks/${created.json().task_id}` })).json();
    expect(shown).toMatchObject({ current_state: 'pending', run_at: runAt, schedule_id: null, scheduled_for: null });
    expect(shown.workflow_steps.every((step: { current_state: string }) => step.current_state === 'pending')).toBe(
      true,
    );
    const local = await api.call({
      method: 'POST',
      url: '/tasker/tasks',
      payload: { ...payload, run_at: '2030-01-01T02:00:00' },
    });
    expect(local.statusCode).toBe(400);
    expect(local.json().error.fields[0].field).toBe('body.run_at');
  });
});
