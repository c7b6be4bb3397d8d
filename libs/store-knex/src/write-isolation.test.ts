import { describeWriteIsolation } from '@tasker/core/testing';
import { createKnexStore } from './index.js';
import { STORE_TABLES } from './test-fixtures/store-tables.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const databases = useTestBackends();
let files = 0;

const postgres = async () => {
  const store = createKnexStore(databases.postgres());
  await store.migrate();
  await store.knex.raw(`TRUNCATE ${STORE_TABLES.map((table) => `"${table}"`).join(', ')} RESTART IDENTITY`);
  return store;
};

// PostgreSQL refuses a NUL in JSON (22P05) itself; SQLite takes it, so there JSON encoding refuses a BigInt.
describeWriteIsolation('PostgreSQL', postgres, 'bad\u0000');
describeWriteIsolation('PostgreSQL, BigInt', postgres, 10n);
describeWriteIsolation('SQLite', () => createKnexStore(databases.sqlite(`isolation-${++files}.sqlite`)), 10n);
