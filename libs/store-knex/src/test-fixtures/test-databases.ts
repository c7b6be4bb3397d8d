import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import type { Knex } from 'knex';

/** The Postgres server the tests use (services.md): each run creates its own database on it. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A Postgres database of its own for one test file, dropped by `drop`. */
export interface TestDatabase {
  url: string;
  config(): Knex.Config;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates `tasker_test_<random>` through a connection to the server's `postgres` database. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tasker_test_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({
    client: 'pg',
    connection: withDatabase(TEST_DATABASE_URL, 'postgres'),
    pool: { min: 0, max: 1 },
  });
  try {
    await admin.raw(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.destroy();
  }
  const url = withDatabase(TEST_DATABASE_URL, name);
  return {
    url,
    config: () => ({ client: 'pg', connection: url }),
    drop: async () => {
      const dropper = knexFactory({
        client: 'pg',
        connection: withDatabase(TEST_DATABASE_URL, 'postgres'),
        pool: { min: 0, max: 1 },
      });
      try {
        await dropper.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.destroy();
      }
    },
  };
}

/** A temporary folder for SQLite files, removed by `remove`. */
export async function createTempDir(): Promise<{ path: string; file(name: string): string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'tasker-store-knex-'));
  return { path, file: (name) => join(path, name), remove: () => rm(path, { recursive: true, force: true }) };
}

/** The store's tables with the default prefix, for emptying them between tests. */
export const STORE_TABLES = [
  'tasker_tasks',
  'tasker_steps',
  'tasker_transitions',
  'tasker_annotations',
  'tasker_snapshots',
];
