import { describeStoreContract } from '@tasker/core/testing';
import { createKnexStore } from './index.js';
import { STORE_TABLES } from './test-fixtures/store-tables.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const databases = useTestBackends();
let files = 0;

describeStoreContract('PostgreSQL', async () => {
  const store = createKnexStore(databases.postgres());
  await store.migrate();
  // One migrated database for the whole file; emptying its tables is much faster than a schema per test.
  await store.knex.raw(`TRUNCATE ${STORE_TABLES.map((table) => `"${table}"`).join(', ')} RESTART IDENTITY`);
  return store;
});

describeStoreContract('SQLite', () => createKnexStore(databases.sqlite(`contract-${++files}.sqlite`)));
