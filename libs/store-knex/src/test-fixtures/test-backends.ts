import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll } from 'vitest';
import { freshPostgresDatabase, type TestDatabase } from '../testing/index.js';

/** The places one test file's stores live in: a PostgreSQL database and a temporary folder of SQLite files. */
export interface TestBackends {
  /** The knex configuration of the file's PostgreSQL database. */
  postgres(): Knex.Config;
  /** The knex configuration of the SQLite database in the file `name` of the file's folder. */
  sqlite(name: string): Knex.Config;
  /** Both backends by name, for `describe.each`: the file's PostgreSQL database, and SQLite in `sqliteFile`. */
  both(sqliteFile: string): Array<[string, () => Knex.Config]>;
}

/**
 * Gives the calling test file a PostgreSQL database and a temporary folder of its own: created before its first
 * test, removed after its last. The configurations are read lazily, so call them inside tests and hooks only.
 */
export function useTestBackends(): TestBackends {
  let database: TestDatabase;
  let folder: string;
  beforeAll(async () => {
    [database, folder] = await Promise.all([freshPostgresDatabase(), mkdtemp(join(tmpdir(), 'tasker-store-knex-'))]);
  });
  afterAll(async () => {
    await Promise.all([database?.drop(), folder && rm(folder, { recursive: true, force: true })]);
  });
  const postgres = () => database.config();
  const sqlite = (name: string): Knex.Config => ({
    client: 'better-sqlite3',
    connection: { filename: join(folder, name) },
  });
  return {
    postgres,
    sqlite,
    both: (sqliteFile) => [
      ['PostgreSQL', postgres],
      ['SQLite', () => sqlite(sqliteFile)],
    ],
  };
}
