import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createMemoryStore, type StepPatch, type TaskStore, type TaskWrite } from '@tasker/core';
import { mergeWrites } from '@tasker/core/internal';
import { sampleSteps, sampleTask } from '@tasker/core/testing';
import { createKnexStore, type KnexStore } from './index.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const databases = useTestBackends();

/** Each backend with the statements a batch costs there, whatever its size (see `commitWrites`). */
const backends: Array<[string, () => Knex.Config, number]> = [
  // One statement of data-modifying CTEs, atomic without BEGIN and COMMIT.
  ['PostgreSQL', databases.postgres, 1],
  // BEGIN, lease tokens SELECT, tasks UPDATE, steps UPDATE, transitions INSERT, snapshots upsert, COMMIT.
  ['SQLite', () => databases.sqlite('batch.sqlite'), 7],
];

/** A write as the engine makes one when a step starts: task row, one step row, history and snapshot. */
function stepStarted(taskId: string, at: number): TaskWrite {
  return {
    taskId,
    task: { state: 'in_progress', startedAt: at, updatedAt: at },
    steps: [{ name: 'validate_cart', state: 'in_progress', attempts: 1, startedAt: at }],
    transitions: [
      { taskId, from: 'pending', to: 'in_progress', by: 'engine', at },
      { taskId, stepName: 'validate_cart', from: 'pending', to: 'in_progress', attempt: 1, by: 'engine', at },
    ],
    snapshot: { machineVersion: 1, state: { value: 'running', at } },
  };
}

/** One write per task, each the merge of the task's writes in order. */
function mergedPerTask(writes: readonly TaskWrite[]): TaskWrite[] {
  const merged = new Map<string, TaskWrite>();
  for (const write of writes) {
    const earlier = merged.get(write.taskId);
    merged.set(write.taskId, earlier ? mergeWrites(earlier, write) : write);
  }
  return [...merged.values()];
}

/** A small deterministic random source, so a failing sequence can be replayed. */
function random(seed: number): () => number {
  return () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe.each(backends)('commit on %s', (_name, config, statementsPerBatch) => {
  let store: KnexStore;
  beforeAll(() => {
    store = createKnexStore(config());
  });
  afterAll(async () => {
    await store.close();
  });

  it('commits a batch in the same few statements whether it holds one write or a hundred', async () => {
    const counts: number[] = [];
    for (const size of [1, 100]) {
      const tasks = Array.from({ length: size }, () => sampleTask());
      for (const task of tasks) await store.createTask(task, sampleSteps(task.id));
      const before = store.statementCount;
      await store.commit(tasks.map((task) => stepStarted(task.id, 10)));
      counts.push(store.statementCount - before);
      for (const task of tasks) expect((await store.getTask(task.id))?.state).toBe('in_progress');
    }
    expect(counts).toEqual([statementsPerBatch, statementsPerBatch]);
  });

  it('refuses a batch with two writes of one task, naming the write, and stores none of it', async () => {
    const [first, second] = [sampleTask(), sampleTask()];
    for (const task of [first!, second!]) await store.createTask(task, sampleSteps(task.id));
    const failure: unknown = await store
      .commit([stepStarted(first!.id, 10), stepStarted(second!.id, 10), stepStarted(first!.id, 11)])
      .catch((error: unknown) => error);
    expect(failure).toEqual(
      new TypeError(
        `commit: writes[2] is a second write of task ${first!.id} in one batch; merge a task's writes into one (mergeWrites)`,
      ),
    );
    // A caller's mistake, not the store's: refused for good, never retried.
    expect(store.classifyError(failure)).toBe('rejected');
    for (const task of [first!, second!]) {
      expect(await store.getTask(task.id)).toEqual(task);
      expect(await store.getTransitions(task.id)).toEqual([]);
    }
  });

  it('refuses a batch with a write of steps only for an unknown task, and stores none of it', async () => {
    const known = sampleTask();
    await store.createTask(known, sampleSteps(known.id));
    const unknown = sampleTask().id;
    await expect(
      store.commit([
        stepStarted(known.id, 10),
        { taskId: unknown, steps: [{ name: 'validate_cart', state: 'completed' }] },
      ]),
    ).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
    expect(await store.getTask(known.id)).toEqual(known);
    expect(await store.getTransitions(known.id)).toEqual([]);
    expect(await store.getSnapshot(known.id)).toBeUndefined();
  });

  it('ends in the same state as the memory store after random batches of many tasks', async () => {
    const next = random(7);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
    const memory: TaskStore = createMemoryStore();
    const tasks = Array.from({ length: 12 }, () => sampleTask());
    for (const target of [memory, store]) for (const task of tasks) await target.createTask(task, sampleSteps(task.id));
    for (let round = 0; round < 25; round++) {
      const writes: TaskWrite[] = Array.from({ length: 1 + Math.floor(next() * 8) }, () => {
        const taskId = pick(tasks).id;
        const step: StepPatch = { name: pick(['validate_cart', 'process_payment']) };
        if (next() < 0.7) step.state = pick(['in_progress', 'completed', 'waiting_for_retry'] as const);
        if (next() < 0.5) step.attempts = Math.floor(next() * 4);
        if (next() < 0.4) step.results = next() < 0.5 ? undefined : { round, values: [next(), null, 'é'] };
        if (next() < 0.3) step.nextRetryAt = next() < 0.5 ? undefined : round * 100;
        return {
          taskId,
          ...(next() < 0.5
            ? {
                task: {
                  updatedAt: round,
                  ...(next() < 0.5 ? { errorMessage: next() < 0.5 ? undefined : `e${round}` } : {}),
                },
              }
            : {}),
          ...(next() < 0.8 ? { steps: [step] } : {}),
          transitions: [
            { taskId, stepName: step.name, from: 'pending', to: step.state ?? 'pending', by: 'engine', at: round },
          ],
          ...(next() < 0.3 ? { annotations: [{ taskId, type: 'note', content: { round }, createdAt: round }] } : {}),
          ...(next() < 0.7 ? { snapshot: { machineVersion: 1, state: { round } } } : {}),
        };
      });
      // The memory store applies a task's writes one after another; this store takes them merged, as the engine's
      // write queue hands them over: both must end the same.
      await memory.commit(writes);
      await store.commit(mergedPerTask(writes));
    }
    for (const task of tasks) {
      expect(await store.getTask(task.id)).toEqual(await memory.getTask(task.id));
      expect(await store.getSteps(task.id)).toEqual(await memory.getSteps(task.id));
      expect(await store.getTransitions(task.id)).toEqual(await memory.getTransitions(task.id));
      expect(await store.getAnnotations(task.id)).toEqual(await memory.getAnnotations(task.id));
      expect(await store.getSnapshot(task.id)).toEqual(await memory.getSnapshot(task.id));
    }
  });
});

describe('a batch retried after its reply was lost (PostgreSQL)', () => {
  it('is applied once: the retry with the same batch id changes nothing', async () => {
    const store = createKnexStore(databases.postgres());
    try {
      const task = sampleTask();
      await store.createTask(task, sampleSteps(task.id));
      const write = stepStarted(task.id, 10);
      await store.commit([write], { id: 'batch-1' });
      await store.commit([write], { id: 'batch-1' });
      expect(await store.getTransitions(task.id)).toHaveLength(2);
      await store.commit([write], { id: 'batch-2' });
      expect(await store.getTransitions(task.id)).toHaveLength(4);
    } finally {
      await store.close();
    }
  });
});
