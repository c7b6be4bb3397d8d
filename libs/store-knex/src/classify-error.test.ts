import type { TaskWrite } from '@tasker/core';
import { sampleSteps, sampleTask } from '@tasker/core/testing';
import { describe, expect, it } from 'vitest';
import { createKnexStore } from './index.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const databases = useTestBackends();

/** The error `promise` fails with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('the store took it'),
    (error: unknown) => error,
  );
}

const cancelledWith = (taskId: string, reason: string): TaskWrite => ({
  taskId,
  transitions: [{ taskId, from: 'pending', to: 'cancelled', by: 'ops', reason, at: 1 }],
});

describe.each(databases.both('classify.sqlite'))('classifying the failures of %s', (name, config) => {
  it('calls data the database or JSON encoding refuses rejected, a missing task lost', async () => {
    const store = createKnexStore(config());
    try {
      const task = sampleTask();
      await store.createTask(task, sampleSteps(task.id));
      const results = { n: 10n } as never;
      const bigInt = await failure(store.commit([{ taskId: task.id, steps: [{ name: 'validate', results }] }]));
      expect(store.classifyError(bigInt)).toBe('rejected');
      expect(store.classifyError(await failure(store.commit([cancelledWith('no-such-task', 'x')])))).toBe('lost');
      if (name === 'PostgreSQL') {
        const nul = await failure(store.commit([cancelledWith(task.id, 'bye\u0000')]));
        expect((nul as { code?: string }).code).toBe('22021');
        expect(store.classifyError(nul)).toBe('rejected');
      }
      // Nothing of the refused batches was stored.
      expect(await store.getTransitions(task.id)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('classifying the failures of an unreachable PostgreSQL', () => {
  it('calls a refused connection transient', async () => {
    const store = createKnexStore({
      client: 'pg',
      connection: 'postgres://postgres@127.0.0.1:1/none',
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 2_000,
    });
    try {
      expect(store.classifyError(await failure(store.getTask('any')))).toBe('transient');
    } finally {
      await store.close();
    }
  });
});
