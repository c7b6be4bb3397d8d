import { describeDeadlines } from '@tasker/core/testing';
import { createKnexStore } from './index.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const databases = useTestBackends();
let files = 0;

describeDeadlines('PostgreSQL', async () => {
  const store = createKnexStore(databases.postgres());
  await store.migrate();
  return store;
});

describeDeadlines('SQLite', async () => createKnexStore(databases.sqlite(`deadlines-${++files}.sqlite`)));
