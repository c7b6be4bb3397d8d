import { describeStoreContract } from '@tasker/core/testing';
import { afterAll, beforeAll } from 'vitest';
import { createKnexStore } from './index.js';
import { createTempDir, createTestDatabase, STORE_TABLES, type TestDatabase } from './test-fixtures/test-databases.js';

let database: TestDatabase;
let folder: Awaited<ReturnType<typeof createTempDir>>;
let files = 0;

beforeAll(async () => {
  [database, folder] = await Promise.all([createTestDatabase(), createTempDir()]);
});
afterAll(async () => {
  await Promise.all([database?.drop(), folder?.remove()]);
});

describeStoreContract('PostgreSQL', async () => {
  const store = createKnexStore(database.config());
  await store.migrate();
  // One migrated database for the whole file; emptying its tables is much faster than a schema per test.
  await store.knex.raw(`TRUNCATE ${STORE_TABLES.map((table) => `"${table}"`).join(', ')} RESTART IDENTITY`);
  return store;
});

describeStoreContract('SQLite', () =>
  createKnexStore({ client: 'better-sqlite3', connection: { filename: folder.file(`contract-${++files}.sqlite`) } }),
);
