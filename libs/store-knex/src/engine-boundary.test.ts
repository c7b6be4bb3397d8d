import { describeEngineBoundary } from '@tasker/core/testing';
import { createKnexStore } from './index.js';
import { STORE_TABLES } from './test-fixtures/store-tables.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const databases = useTestBackends();
let files = 0;

describeEngineBoundary('PostgreSQL', async () => {
  const store = createKnexStore(databases.postgres());
  await store.migrate();
  await store.knex.raw(`TRUNCATE ${STORE_TABLES.map((table) => `"${table}"`).join(', ')} RESTART IDENTITY`);
  return store;
});

describeEngineBoundary('SQLite', async () => {
  const store = createKnexStore(databases.sqlite(`boundary-${++files}.sqlite`));
  await store.migrate();
  return store;
});
