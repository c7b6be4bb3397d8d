import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createKnexStore } from './index.js';
import { chainEngine, runChain } from './test-fixtures/chain-engine.js';
import { createTempDir, createTestDatabase, type TestDatabase } from './test-fixtures/test-databases.js';

let database: TestDatabase;
let folder: Awaited<ReturnType<typeof createTempDir>>;

beforeAll(async () => {
  [database, folder] = await Promise.all([createTestDatabase(), createTempDir()]);
});
afterAll(async () => {
  await Promise.all([database?.drop(), folder?.remove()]);
});

const backends: Array<[string, () => Knex.Config]> = [
  ['PostgreSQL', () => database.config()],
  ['SQLite', () => ({ client: 'better-sqlite3', connection: { filename: folder.file('engine-run.sqlite') } })],
];

describe.each(backends)('an engine on %s', (_name, config) => {
  it('runs a chain of three steps to completion, and a second engine on the same database reads it back', async () => {
    const store = createKnexStore(config());
    const engine = chainEngine({ store });
    await engine.start();
    const taskId = await runChain(engine, { order: 42 });
    const done = await engine.waitForTask(taskId, { timeoutMs: 10_000 });
    await engine.stop();
    await store.close();
    expect(done.state).toBe('completed');

    const reopened = createKnexStore(config());
    try {
      const reader = chainEngine({ store: reopened });
      const task = await reader.getTask(taskId);
      expect(task.state).toBe('completed');
      expect(task.context).toEqual({ order: 42 });
      expect(task.steps.map((step) => [step.name, step.state, step.attempts, step.results])).toEqual([
        ['a', 'completed', 1, { step: 'a', order: 42 }],
        ['b', 'completed', 1, { step: 'b', order: 42 }],
        ['c', 'completed', 1, { step: 'c', order: 42 }],
      ]);
      const history = await reader.getHistory(taskId);
      expect(history.map((entry) => `${entry.stepName ?? 'task'}:${entry.from}->${entry.to}`)).toEqual([
        'task:pending->in_progress',
        'a:pending->in_progress',
        'a:in_progress->completed',
        'b:pending->in_progress',
        'b:in_progress->completed',
        'c:pending->in_progress',
        'c:in_progress->completed',
        'task:in_progress->completed',
      ]);
      expect(await reopened.listUnfinishedTaskIds()).toEqual([]);
      expect((await reopened.getSnapshot(taskId))?.machineVersion).toEqual(expect.any(Number));
    } finally {
      await reopened.close();
    }
  });
});
