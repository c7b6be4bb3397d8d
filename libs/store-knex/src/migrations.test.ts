import { describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { sampleSteps, sampleTask } from '@tasker/core/testing';
import { createKnexStore } from './index.js';
import { ALL_MIGRATIONS } from './test-fixtures/all-migrations.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const databases = useTestBackends();
let files = 0;

/** A fresh place for a schema: a new table prefix in the file's Postgres database, a new SQLite file. */
const backends: Array<[string, (prefix: string) => [Knex.Config, { tablePrefix: string }]]> = [
  ['PostgreSQL', (prefix) => [databases.postgres(), { tablePrefix: prefix }]],
  ['SQLite', (prefix) => [databases.sqlite(`migrations-${++files}.sqlite`), { tablePrefix: prefix }]],
];

describe.each(backends)('migrations on %s', (_name, place) => {
  it('applies the migrations once; running them again is a no-op', async () => {
    const store = createKnexStore(...place('twice_'));
    try {
      expect(await store.migrate()).toEqual(ALL_MIGRATIONS);
      expect(await store.migrate()).toEqual([]);
      const task = sampleTask();
      await store.createTask(task, sampleSteps(task.id));
      expect(await store.migrate()).toEqual([]);
      expect(await store.getTask(task.id)).toEqual(task);
    } finally {
      await store.close();
    }
  });

  it('lets two stores that start at the same moment on a fresh database both migrate and work', async () => {
    const [config, options] = place('race_');
    const stores = [createKnexStore(config, options), createKnexStore(config, options)];
    try {
      const applied = await Promise.all(stores.map((store) => store.migrate()));
      expect(applied.flat()).toEqual(ALL_MIGRATIONS);
      const tasks = [sampleTask(), sampleTask()];
      await Promise.all(stores.map((store, index) => store.createTask(tasks[index]!, [])));
      expect((await stores[0]!.listTasks()).tasks.map((task) => task.id).sort()).toEqual(
        tasks.map((task) => task.id).sort(),
      );
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('migrates on first use, once, when several calls arrive together', async () => {
    const store = createKnexStore(...place('auto_'));
    try {
      const task = sampleTask();
      const [created, listed] = await Promise.all([
        store.createTask(task, []),
        store.listTasks(),
        store.listUnfinishedTaskIds(),
      ]);
      expect(created.created).toBe(true);
      expect(listed.tasks.length).toBeLessThanOrEqual(1);
      expect(await store.migrate()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('keeps stores with different table prefixes apart', async () => {
    const [config] = place('unused_');
    const left = createKnexStore(config, { tablePrefix: 'left_' });
    const right = createKnexStore(config, { tablePrefix: 'right_' });
    try {
      const task = sampleTask();
      await left.createTask(task, []);
      expect(await right.getTask(task.id)).toBeUndefined();
      expect(await left.getTask(task.id)).toEqual(task);
    } finally {
      await Promise.all([left.close(), right.close()]);
    }
  });

  it('touches no schema with autoMigrate off until migrate() is called', async () => {
    const store = createKnexStore(...place('manual_'));
    const manual = createKnexStore(store.knex, { tablePrefix: 'manual_', autoMigrate: false });
    try {
      await expect(manual.listUnfinishedTaskIds()).rejects.toThrow(/manual_tasks/);
      expect(await manual.migrate()).toEqual(ALL_MIGRATIONS);
      expect(await manual.listUnfinishedTaskIds()).toEqual([]);
    } finally {
      await manual.close();
      await store.close();
    }
  });
});

describe('migrations on PostgreSQL', () => {
  it('leave half of each page of steps and snapshots free, so that their updates stay on the page (HOT)', async () => {
    const store = createKnexStore(databases.postgres(), { tablePrefix: 'room_' });
    try {
      await store.migrate();
      const { rows } = await store.knex.raw<{ rows: Array<{ relname: string; reloptions: string[] | null }> }>(
        "SELECT relname, reloptions FROM pg_class WHERE relname IN ('room_steps', 'room_snapshots', 'room_tasks')",
      );
      expect(Object.fromEntries(rows.map((row) => [row.relname, row.reloptions]))).toEqual({
        room_steps: ['fillfactor=50'],
        room_snapshots: ['fillfactor=50'],
        room_tasks: null,
      });
    } finally {
      await store.close();
    }
  });
});

describe('store options', () => {
  it('refuses a table prefix that is not a plain SQL name', () => {
    expect(() =>
      createKnexStore({ client: 'better-sqlite3', connection: { filename: ':memory:' } }, { tablePrefix: 'x"; drop' }),
    ).toThrow(/tablePrefix/);
  });

  it('refuses a client it does not support, naming the ones it does', () => {
    expect(() => createKnexStore({ client: 'mysql2', connection: {} })).toThrow(/'pg'.*'better-sqlite3'/);
  });
});
