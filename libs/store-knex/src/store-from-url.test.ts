import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStoreFromUrl, type Engine, type TaskStore } from '@tasker/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexStore } from './knex-store.js';
import { chainEngine, runChain } from './test-fixtures/chain-engine.js';
import { freshPostgresDatabase, type TestDatabase } from './testing/index.js';

let database: TestDatabase;
let folder: string;

beforeAll(async () => {
  [database, folder] = await Promise.all([freshPostgresDatabase(), mkdtemp(join(tmpdir(), 'tasker-store-url-'))]);
});

afterAll(async () => {
  await Promise.all([database?.drop(), folder && rm(folder, { recursive: true, force: true })]);
});

/** Runs one chain task on `store` to completion and closes both. */
async function runsATask(store: TaskStore): Promise<void> {
  const engine: Engine = chainEngine({ store });
  await engine.start();
  try {
    const task = await engine.waitForTask(await runChain(engine), { timeoutMs: 10_000 });
    expect(task.state).toBe('completed');
  } finally {
    await engine.stop();
    await store.close();
  }
}

async function hasTasksTable(store: TaskStore): Promise<boolean> {
  return (store as KnexStore).knex.schema.hasTable('tasker_tasks');
}

describe('createStoreFromUrl on knex', () => {
  it.each(['postgres', 'postgresql'])('opens a %s:// URL migrated, with the pool asked for', async (scheme) => {
    const url = database.url.replace(/^postgres:/, `${scheme}:`);
    const store = await createStoreFromUrl(url, { pool: { min: 0, max: 3 } });
    expect(store).toBeInstanceOf(KnexStore);
    expect((store as KnexStore).dialect).toBe('postgres');
    expect((store as KnexStore).knex.client.pool.max).toBe(3);
    expect(await hasTasksTable(store)).toBe(true);
    await runsATask(store);
  });

  it('opens a SQLite file by absolute path', async () => {
    const file = join(folder, 'absolute.sqlite');
    const store = await createStoreFromUrl(`sqlite:${file}`);
    expect((store as KnexStore).dialect).toBe('sqlite');
    expect(await hasTasksTable(store)).toBe(true);
    await runsATask(store);
    const reopened = await createStoreFromUrl(`sqlite:${file}`, { migrate: false });
    expect(await hasTasksTable(reopened)).toBe(true);
    await reopened.close();
  });

  it('opens a SQLite file relative to the working directory', async () => {
    const cwd = process.cwd();
    process.chdir(folder);
    try {
      const store = await createStoreFromUrl('sqlite:relative.sqlite');
      await runsATask(store);
    } finally {
      process.chdir(cwd);
    }
    const reopened = await createStoreFromUrl(`sqlite:${join(folder, 'relative.sqlite')}`, { migrate: false });
    expect(await hasTasksTable(reopened)).toBe(true);
    await reopened.close();
  });

  it('opens an in-memory SQLite database, left unmigrated when asked', async () => {
    const unmigrated = await createStoreFromUrl('sqlite::memory:', { migrate: false });
    expect(await hasTasksTable(unmigrated)).toBe(false);
    await unmigrated.close();
    await runsATask(await createStoreFromUrl('sqlite::memory:'));
  });

  it('lets the error of a missing database through, without the password', async () => {
    const missing = new URL(database.url);
    missing.pathname = '/tasker_no_such_database';
    missing.password = 'hunter2';
    const error = await createStoreFromUrl(missing.toString()).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('database "tasker_no_such_database" does not exist');
    expect((error as Error).message).not.toContain('hunter2');
  });
});
