import { describeCompensationResume } from '@tasker/core/testing';
import { createKnexStore } from './index.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const databases = useTestBackends();

describeCompensationResume('PostgreSQL', async () => ({
  store: createKnexStore(databases.postgres()),
  reopen: async () => createKnexStore(databases.postgres()),
}));

describeCompensationResume('SQLite', async () => ({
  store: createKnexStore(databases.sqlite('compensation-resume.sqlite')),
  reopen: async () => createKnexStore(databases.sqlite('compensation-resume.sqlite')),
}));
