import { describeScheduleFiring } from '@tasker/core/testing';
import { createKnexStore } from './index.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const databases = useTestBackends();
let files = 0;

describeScheduleFiring('PostgreSQL', async () => {
  const store = createKnexStore(databases.postgres());
  await store.migrate();
  // Each test starts from no schedule and no task: both engines of a test share this database.
  await store.knex.raw('TRUNCATE "tasker_schedules", "tasker_tasks" CASCADE');
  return store;
});

describeScheduleFiring('SQLite', async () => createKnexStore(databases.sqlite(`schedules-${++files}.sqlite`)));
