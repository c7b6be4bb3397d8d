import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskStore } from '@tasker/core';
import { createKnexStore } from '@tasker/store-knex';
import { freshPostgresDatabase, type TestDatabase } from '@tasker/store-knex/testing';
import { afterAll, beforeAll } from 'vitest';

/** Makes an empty store for one test. */
export type StoreMaker = () => TaskStore;

let sequence = 0;

/**
 * The stores the API suite runs on, for `describe.each`: SQLite in a temporary file and PostgreSQL in a database
 * of this test file (each store gets its own tables through a table prefix). Created before the file's first test,
 * removed after its last.
 */
export function useTestStores(): Array<[string, StoreMaker]> {
  let database: TestDatabase | undefined;
  let folder = '';
  beforeAll(async () => {
    [database, folder] = await Promise.all([freshPostgresDatabase(), mkdtemp(join(tmpdir(), 'tasker-http-'))]);
  });
  afterAll(async () => {
    await Promise.all([database?.drop(), folder && rm(folder, { recursive: true, force: true })]);
  });
  return [
    [
      'SQLite',
      () =>
        createKnexStore({
          client: 'better-sqlite3',
          connection: { filename: join(folder, `api-${++sequence}.sqlite`) },
          useNullAsDefault: true,
        }),
    ],
    ['PostgreSQL', () => createKnexStore(database!.config(), { tablePrefix: `api${++sequence}_` })],
  ];
}
