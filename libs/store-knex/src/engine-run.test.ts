import { describe, expect, it } from 'vitest';
import { createKnexStore } from './index.js';
import { chainEngine, runChain } from './test-fixtures/chain-engine.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const backends = useTestBackends().both('engine-run.sqlite');

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
