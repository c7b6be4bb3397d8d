import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, silentLogger, type TaskState, type TaskStore } from '@tasker/core';
import { SimulatedClock, sampleSteps, sampleTask } from '@tasker/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PERMISSIONS } from './auth/permissions.js';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';
import { checkoutEngine } from './test-fixtures/checkout-engine.js';
import { useTestStores } from './test-fixtures/test-stores.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-06T12:00:00Z');

/** The tasks a purge test starts from, by what each is for. */
type Seeded = Record<'oldCompleted' | 'oldRefund' | 'oldFailed' | 'recentCompleted' | 'oldRunning', string>;

/**
 * The API on `store`, over an engine whose clock stands at NOW, whose retention policy keeps tasks a year (so its own
 * periodic purge leaves the seeded tasks alone) and archives what goes to `archiveDirectory`; and the seeded tasks.
 */
async function purgeApi(store: TaskStore, archiveDirectory: string): Promise<{ api: ApiHarness; ids: Seeded }> {
  const clock = new SimulatedClock();
  clock.set(NOW);
  const engine = checkoutEngine(store, {
    clock,
    logger: silentLogger,
    retention: { completed: '365d', failed: '365d', archive: { directory: archiveDirectory }, pauseMs: 0 },
  });
  const api = await startApi(store, { engine });
  const stored = async (state: TaskState, daysAgo: number, name = 'process_order') => {
    const task = sampleTask({ state, name, updatedAt: NOW - daysAgo * DAY });
    await store.createTask(task, sampleSteps(task.id));
    return task.id;
  };
  const ids = {
    oldCompleted: await stored('completed', 40),
    oldRefund: await stored('completed', 35, 'refund'),
    oldFailed: await stored('failed', 31),
    recentCompleted: await stored('completed', 2),
    oldRunning: await stored('in_progress', 60),
  };
  return { api, ids };
}

/** Which of `ids` the store still has. */
async function kept(store: TaskStore, ids: Seeded): Promise<string[]> {
  const present = await Promise.all(
    Object.entries(ids).map(async ([what, id]) => ((await store.getTask(id)) ? what : undefined)),
  );
  return present.filter((what) => what !== undefined);
}

describe('POST /tasks/purge', () => {
  let folder: string;
  let store: TaskStore;
  let api: ApiHarness;
  let ids: Seeded;
  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'tasker-purge-api-'));
    store = createMemoryStore();
    ({ api, ids } = await purgeApi(store, folder));
  });
  afterEach(async () => {
    await api.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const purge = (payload: unknown, claims = {}) =>
    api.call({ method: 'POST', url: '/tasker/tasks/purge', payload: payload as object }, claims);

  it('counts by state and template on a dry run, deleting nothing', async () => {
    const answer = await purge({ dry_run: true, older_than: '30d' });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({
      dry_run: true,
      tasks: 3,
      by_state: { completed: 2, failed: 1 },
      by_template: { 'ecommerce/process_order@1.0.0': 2, 'ecommerce/refund@1.0.0': 1 },
      oldest_finished_at: new Date(NOW - 40 * DAY).toISOString(),
      newest_finished_at: new Date(NOW - 31 * DAY).toISOString(),
    });
    expect(await kept(store, ids)).toEqual(Object.keys(ids));
    expect(readdirSync(folder)).toEqual([]);
  });

  it('purges the old finished tasks of the states asked for, archived as the engine says, and nothing else', async () => {
    const answer = await purge({ older_than: 30 * DAY, states: ['completed'] });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ dry_run: false, tasks: 2, by_state: { completed: 2 } });
    expect(await kept(store, ids)).toEqual(['oldFailed', 'recentCompleted', 'oldRunning']);
    const archived = readdirSync(folder).flatMap((file) => readFileSync(join(folder, file), 'utf8').trim().split('\n'));
    expect(archived.map((line) => (JSON.parse(line) as { task: { id: string } }).task.id).sort()).toEqual(
      [ids.oldCompleted, ids.oldRefund].sort(),
    );
    // Again: nothing left to purge. Without `older_than`, the engine's policy (a year) purges nothing either.
    expect((await purge({ older_than: '30d', states: ['completed'] })).json().tasks).toBe(0);
    expect((await purge({})).json()).toMatchObject({ tasks: 0, oldest_finished_at: null });
    expect(await kept(store, ids)).toEqual(['oldFailed', 'recentCompleted', 'oldRunning']);
  });

  it('needs tasks:purge and a token of every namespace', async () => {
    const withoutPermission = await purge(
      { older_than: '30d' },
      { permissions: PERMISSIONS.filter((permission) => permission !== 'tasks:purge') },
    );
    expect(withoutPermission.statusCode).toBe(403);
    expect(withoutPermission.json().error.message).toMatch(/tasks:purge/);
    const namespaced = await purge({ older_than: '30d' }, { permissions: ['tasks:purge'], namespaces: ['ecommerce'] });
    expect(namespaced.statusCode).toBe(403);
    expect(namespaced.json().error.message).toMatch(/every namespace/);
    expect((await api.call({ method: 'POST', url: '/tasker/tasks/purge', payload: {} }, null)).statusCode).toBe(401);
    expect(await kept(store, ids)).toEqual(Object.keys(ids));
    const allowed = await purge({ older_than: '30d' }, { permissions: ['tasks:purge'], namespaces: ['*'] });
    expect(allowed.json().tasks).toBe(3);
  });

  it.each([
    [{ older_than: 'a month' }, 'body.older_than', /must be a duration like '7d'/],
    [{ older_than: -5 }, 'body.older_than', /positive whole number of ms/],
    [{ older_than: '30d', states: ['pending'] }, 'body.states.0', /./],
    [{ older_than: '30d', states: [] }, 'body.states', /./],
    [{ older_than: '30d', dry_run: 'yes' }, 'body.dry_run', /./],
    [{ older_than: '30d', archive_dir: '/etc' }, 'body', /archive_dir/],
  ])('refuses %j with a 400 naming %s, purging nothing', async (payload, field, message) => {
    const answer = await purge(payload);
    expect(answer.statusCode).toBe(400);
    const fields = answer.json().error.fields as Array<{ field: string; message: string }>;
    expect(fields.map((detail) => detail.field)).toContain(field);
    expect(answer.json().error.message).toMatch(message);
    expect(await kept(store, ids)).toEqual(Object.keys(ids));
  });

  it('is described in the OpenAPI document', async () => {
    const document = (await api.call({ method: 'GET', url: '/tasker/docs/json' })).json();
    expect(Object.keys(document.paths['/tasker/tasks/purge'])).toEqual(['post']);
  });
});

describe.each(useTestStores())('POST /tasks/purge on %s', (_name, makeStore) => {
  it('purges the old finished tasks and nothing else', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tasker-purge-api-'));
    const store = makeStore();
    const { api, ids } = await purgeApi(store, folder);
    try {
      const dryRun = await api.call({
        method: 'POST',
        url: '/tasker/tasks/purge',
        payload: { older_than: '30d', dry_run: true },
      });
      expect(dryRun.json()).toMatchObject({ dry_run: true, tasks: 3 });
      expect(await kept(store, ids)).toEqual(Object.keys(ids));
      const answer = await api.call({ method: 'POST', url: '/tasker/tasks/purge', payload: { older_than: '30d' } });
      expect(answer.json()).toMatchObject({ dry_run: false, tasks: 3, by_state: { completed: 2, failed: 1 } });
      expect(await kept(store, ids)).toEqual(['recentCompleted', 'oldRunning']);
    } finally {
      await api.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
