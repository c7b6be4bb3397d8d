import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject, StepRecord } from '@tasker/core';
import { sampleSteps, sampleTask } from '@tasker/core/testing';
import { createKnexStore, type KnexStore } from './index.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const backends = useTestBackends().both('json.sqlite');

const awkward: JsonObject = {
  integers: [0, -1, 42, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER],
  fractions: [9.5, -0.125, 1e-7, 6.02e23],
  nothing: null,
  flags: [true, false],
  nested: { deeper: { deepest: [{ a: [[], {}] }, null, 'x'] } },
  text: [
    '',
    'naïve café',
    '日本語のテキスト',
    'emoji 🚀👩🏽‍💻',
    'quotes " \' ` and \\ backslash',
    'lines\nand\ttabs',
    '{"not":"json"}',
    '?',
  ],
};

describe.each(backends)('JSON on %s', (_name, config) => {
  let store: KnexStore;
  beforeAll(() => {
    store = createKnexStore(config());
  });
  afterAll(async () => {
    await store.close();
  });

  it('keeps the types of a context: numbers, nested objects, null, unicode strings', async () => {
    const task = sampleTask({ context: awkward, tags: ['ünïcödé', '🏷️'] });
    await store.createTask(task, []);
    expect(await store.getTask(task.id)).toEqual(task);
  });

  it('tells a step that returned null from a step with no result, and keeps primitive results', async () => {
    const task = sampleTask();
    await store.createTask(task, sampleSteps(task.id));
    await store.commit([
      {
        taskId: task.id,
        steps: [
          { name: 'validate_cart', results: null },
          { name: 'process_payment', results: 'paid ✓' },
        ],
      },
    ]);
    const byName = (steps: StepRecord[], name: string) => steps.find((step) => step.name === name);
    let steps = await store.getSteps(task.id);
    expect(byName(steps, 'validate_cart')).toHaveProperty('results', null);
    expect(byName(steps, 'process_payment')?.results).toBe('paid ✓');
    await store.commit([
      {
        taskId: task.id,
        steps: [
          { name: 'validate_cart', results: undefined },
          { name: 'process_payment', results: 7.25 },
        ],
      },
    ]);
    steps = await store.getSteps(task.id);
    expect(byName(steps, 'validate_cart')).not.toHaveProperty('results');
    expect(byName(steps, 'process_payment')?.results).toBe(7.25);
  });

  it('keeps annotations and snapshots of any JSON shape', async () => {
    const task = sampleTask();
    await store.createTask(task, []);
    const annotations = [null, 0, 'text', [1, 'two', null], awkward].map((content, index) => ({
      taskId: task.id,
      type: `kind-${index}`,
      content,
      createdAt: index,
    }));
    const snapshot = { machineVersion: 3, state: { value: { running: 'step' }, context: awkward, children: {} } };
    await store.commit([{ taskId: task.id, annotations, snapshot }]);
    expect(await store.getAnnotations(task.id)).toEqual(annotations);
    expect(await store.getSnapshot(task.id)).toEqual(snapshot);
  });
});
