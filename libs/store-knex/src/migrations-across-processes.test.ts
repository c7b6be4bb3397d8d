import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { sampleTask } from '@tasker/core/testing';
import { createKnexStore } from './index.js';
import { ALL_MIGRATIONS } from './test-fixtures/all-migrations.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./test-fixtures/migrate-in-child.ts', import.meta.url));

const backends = useTestBackends().both('processes.sqlite');

describe.each(backends)('processes starting together on a fresh %s database', (_name, config) => {
  it('all migrate it on first use, once, and all work', async () => {
    const tasks = [sampleTask(), sampleTask(), sampleTask()];
    const outputs = await Promise.all(
      tasks.map((task) =>
        run(process.execPath, [
          '--conditions=@tasker/source',
          '--import',
          'tsx',
          child,
          JSON.stringify(config()),
          JSON.stringify(task),
        ]),
      ),
    );
    // Each child migrated on first use, so its explicit migrate() afterwards finds nothing left.
    expect(outputs.map(({ stdout }) => JSON.parse(stdout))).toEqual([[], [], []]);
    const store = createKnexStore(config());
    try {
      expect((await store.listTasks()).tasks.map((task) => task.id).sort()).toEqual(
        tasks.map((task) => task.id).sort(),
      );
      expect(await store.migrate()).toEqual([]);
      const applied = await store.knex('tasker_migrations').select('name').orderBy('id');
      expect(applied.map(({ name }) => name)).toEqual(ALL_MIGRATIONS);
    } finally {
      await store.close();
    }
  }, 30_000);
});
