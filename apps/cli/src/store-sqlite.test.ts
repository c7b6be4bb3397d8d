import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStoreFromUrl } from '@tasker/core';
import { describeCommands } from './test-fixtures/command-suite.js';
import { startWorker, TEMPLATES_DIR } from './test-fixtures/worker.js';

describeCommands('a SQLite store', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'tasker-cli-'));
  const url = `sqlite:${join(folder, 'tasks.db')}`;
  const store = await createStoreFromUrl(url);
  const worker = await startWorker(store);
  return {
    kind: 'store',
    args: ['--store', url],
    env: { TASKER_TEMPLATES_DIR: TEMPLATES_DIR },
    worker,
    close: async () => {
      await worker.stop();
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
});
