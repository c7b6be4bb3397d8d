import { describeThrottlingAcrossWorkers } from '@tasker/core/testing';
import { createKnexStore } from './index.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const databases = useTestBackends();

describeThrottlingAcrossWorkers(
  'PostgreSQL',
  async () => {
    const store = createKnexStore(databases.postgres());
    await store.migrate();
    return store;
  },
  () => ({ url: (databases.postgres() as { connection: string }).connection }),
);

describeThrottlingAcrossWorkers('SQLite', async () => createKnexStore(databases.sqlite('throttling.sqlite')));
