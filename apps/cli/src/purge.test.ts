import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, createStoreFromUrl, type TaskStore } from '@tasker/core';
import { sampleSteps, sampleTask } from '@tasker/core/testing';
import { taskerApi, taskerFrameworkErrors } from '@tasker/http';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTasker } from './test-fixtures/run-tasker.js';

const DAY = 86_400_000;

describe('tasker purge', () => {
  let folder: string;
  let url: string;
  let store: TaskStore;
  let ids: Record<string, string>;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'tasker-purge-'));
    url = `sqlite:${join(folder, 'tasks.db')}`;
    store = await createStoreFromUrl(url);
    const now = Date.now();
    const stored = async (state: 'completed' | 'failed' | 'pending', daysAgo: number, name = 'process_order') => {
      const task = sampleTask({ state, name, updatedAt: now - daysAgo * DAY });
      await store.createTask(task, sampleSteps(task.id));
      return task.id;
    };
    ids = {
      oldCompleted: await stored('completed', 40),
      oldRefund: await stored('completed', 35, 'refund'),
      oldFailed: await stored('failed', 31),
      recentCompleted: await stored('completed', 2),
      running: await stored('pending', 60),
    };
  });

  afterEach(async () => {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('counts by state and template on a dry run, deleting nothing', async () => {
    const run = await runTasker(['purge', '--store', url, '--older-than', '30d', '--dry-run']);
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toMatch(/^would purge 3 tasks, finished \S+ \(oldest\) to \S+ \(newest\)\n/);
    expect(run.out).toContain('STATE      TASKS\ncompleted  2\nfailed     1\n');
    expect(run.out).toContain('ecommerce/process_order@1.0.0  2\necommerce/refund@1.0.0         1\n');
    for (const id of Object.values(ids)) expect(await store.getTask(id)).toBeDefined();
  });

  it('purges the finished tasks of the states asked for, archiving them first, and leaves the rest', async () => {
    const archive = join(folder, 'archive');
    const args = ['purge', '--store', url, '--older-than', '30d', '--state', 'completed', '--archive-dir', archive];
    const run = await runTasker([...args, '--archive-table', '--json']);
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(run.out)).toMatchObject({ dry_run: false, tasks: 2, by_state: { completed: 2 } });
    expect(await store.getTask(ids.oldCompleted!)).toBeUndefined();
    expect(await store.getTask(ids.oldRefund!)).toBeUndefined();
    for (const kept of [ids.oldFailed, ids.recentCompleted, ids.running])
      expect(await store.getTask(kept!)).toBeDefined();
    expect(readdirSync(archive).length).toBeGreaterThan(0);
    expect((await runTasker(args)).out).toBe('purged no task\n');
  });

  it('refuses an age or a state it cannot take, naming the flag', async () => {
    const age = await runTasker(['purge', '--store', url, '--older-than', 'a month']);
    expect(age).toMatchObject({ code: 2, err: expect.stringMatching(/^error: --older-than: must be a duration/) });
    const state = await runTasker(['purge', '--store', url, '--older-than', '1d', '--state', 'pending']);
    expect(state).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^error: --state: 'pending' is no finished state/),
    });
    const missing = await runTasker(['purge', '--store', url]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--older-than/);
    for (const id of Object.values(ids)) expect(await store.getTask(id)).toBeDefined();
  });

  describe('over --api (POST /tasks/purge)', () => {
    const SECRET = 'the secret the API verifies tokens with, long enough';
    let app: FastifyInstance;
    let env: Record<string, string>;
    const token = async (namespaces: string) =>
      (
        await runTasker(
          ['token', '--sub', 'ops@example.com', '--permissions', 'tasks:purge', '--namespaces', namespaces],
          {
            TASKER_JWT_SECRET: SECRET,
          },
        )
      ).out.trim();

    beforeEach(async () => {
      // The API's engine needs no start to purge: it reads and deletes through the store, like `tasker purge --store`.
      app = Fastify({ frameworkErrors: taskerFrameworkErrors });
      await app.register(taskerApi, { prefix: '/tasker', engine: createEngine({ store }), auth: { secret: SECRET } });
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      env = { TASKER_API_URL: `${address}/tasker`, TASKER_TOKEN: await token('*') };
    });
    afterEach(async () => {
      await app.close();
    });

    it('counts on a dry run, then purges the old finished tasks and leaves the rest', async () => {
      const dryRun = await runTasker(['purge', '--older-than', '30d', '--dry-run'], env);
      expect(dryRun).toMatchObject({ code: 0, err: '' });
      expect(dryRun.out).toMatch(/^would purge 3 tasks, finished \S+ \(oldest\) to \S+ \(newest\)\n/);
      expect(dryRun.out).toContain('STATE      TASKS\ncompleted  2\nfailed     1\n');
      for (const id of Object.values(ids)) expect(await store.getTask(id)).toBeDefined();
      const run = await runTasker(['purge', '--older-than', String(30 * DAY), '--json'], env);
      expect(run).toMatchObject({ code: 0, err: '' });
      expect(JSON.parse(run.out)).toMatchObject({ dry_run: false, tasks: 3, by_state: { completed: 2, failed: 1 } });
      for (const gone of [ids.oldCompleted, ids.oldRefund, ids.oldFailed])
        expect(await store.getTask(gone!)).toBeUndefined();
      for (const kept of [ids.recentCompleted, ids.running]) expect(await store.getTask(kept!)).toBeDefined();
    });

    it('refuses a namespaced token, archival flags and a bad age, purging nothing', async () => {
      const namespaced = await runTasker(['purge', '--older-than', '30d'], {
        ...env,
        TASKER_TOKEN: await token('ecommerce'),
      });
      expect(namespaced).toMatchObject({ code: 1, err: expect.stringMatching(/every namespace.*FORBIDDEN, HTTP 403/) });
      const archived = await runTasker(['purge', '--older-than', '30d', '--archive-dir', folder], env);
      expect(archived).toMatchObject({
        code: 2,
        err: expect.stringMatching(/--archive-dir and --archive-table need --store/),
      });
      const age = await runTasker(['purge', '--older-than', 'a month'], env);
      expect(age).toMatchObject({ code: 1, err: expect.stringMatching(/body\.older_than: must be a duration/) });
      const policy = await runTasker(['purge'], env);
      expect(policy).toMatchObject({ code: 1, err: expect.stringMatching(/body\.older_than: is required/) });
      for (const id of Object.values(ids)) expect(await store.getTask(id)).toBeDefined();
    });
  });
});
