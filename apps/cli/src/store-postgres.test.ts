import { createStoreFromUrl } from '@tasker/core';
import { freshPostgresDatabase } from '@tasker/store-knex/testing';
import { describeCommands } from './test-fixtures/command-suite.js';
import { startWorker, TEMPLATES_DIR } from './test-fixtures/worker.js';

describeCommands('a PostgreSQL store', async () => {
  const database = await freshPostgresDatabase();
  const store = await createStoreFromUrl(database.url, { pool: { min: 0, max: 4 } });
  const worker = await startWorker(store);
  return {
    kind: 'store',
    // Through the environment, as a flag is elsewhere.
    args: [],
    env: { TASKER_STORE_URL: database.url, TASKER_TEMPLATES_DIR: TEMPLATES_DIR },
    worker,
    close: async () => {
      await worker.stop();
      await store.close();
      await database.drop();
    },
  };
});
