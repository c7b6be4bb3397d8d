import knex from 'knex';
import { durationBucket, stepFiguresOf, taskFiguresOf, type StepFigures, type TaskFigures } from '@tasker/core';
import { expectRollupPercentilesOfLongDurations, sampleSteps, sampleTask } from '@tasker/core/testing';
import { describe, expect, it } from 'vitest';
import * as analyticsRollups from './migrations/016-analytics-rollups.js';
import { createKnexStore } from './index.js';
import { durationBucketSql } from './rollups/duration-bucket.js';
import { ROLLUP_RETENTION_MS } from './rollups/rollup-retention.js';
import { tableNames } from './table-names.js';
import { useTestBackends } from './test-fixtures/test-backends.js';

const databases = useTestBackends();
let files = 0;
const MINUTE = 60_000;
const START = 1_750_000_020_000;

/** A store in a fresh schema: a new table prefix in the file's PostgreSQL database, a new SQLite file. */
const backends: Array<[string, (prefix: string) => ReturnType<typeof createKnexStore>]> = [
  ['PostgreSQL', (prefix) => createKnexStore(databases.postgres(), { tablePrefix: prefix })],
  ['SQLite', (prefix) => createKnexStore(databases.sqlite(`rollups-${++files}.sqlite`), { tablePrefix: prefix })],
];

describe('duration buckets in SQL', () => {
  it('are the buckets of durationBucket (the Redis rollups’ three significant digits)', async () => {
    const db = knex({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    try {
      const durations = [0, 7, 999, 1_000, 1_234, 9_999, 10_000, 56_789, 999_999, 1_000_001, 123_456_789_012];
      const selected = durations.map((duration, index) => `${durationBucketSql(String(duration))} AS b${index}`);
      const [row] = (await db.raw(`SELECT ${selected.join(', ')}`)) as Array<Record<string, number>>;
      expect(durations.map((_, i) => row![`b${i}`])).toEqual(durations.map(durationBucket));
    } finally {
      await db.destroy();
    }
  });
});

describe.each(backends)('analytics rollups on %s', (_name, open) => {
  it('gives percentiles of long durations within 1% under the exact ones, and exact counts and averages', async () => {
    const store = open('long_');
    try {
      // The same figures as the Redis store's rollups give (redis-rollups.test.ts).
      await expectRollupPercentilesOfLongDurations(store, START);
    } finally {
      await store.close();
    }
  });

  it('counts a window in whole minutes: the tasks of the minutes its ends fall in count whole', async () => {
    const store = open('minutes_');
    try {
      for (const offset of [0, MINUTE - 1, MINUTE, 3 * MINUTE]) {
        const task = sampleTask({ createdAt: START + offset });
        await store.createTask(task, []);
      }
      const count = async (from: number, to: number) =>
        (await store.taskFigures({ createdFrom: START + from, createdTo: START + to })).byState[0]?.count ?? 0;
      expect(await count(MINUTE - 1, MINUTE)).toBe(2);
      expect(await count(1, MINUTE + 1)).toBe(3);
      expect(await count(MINUTE + 1, 3 * MINUTE)).toBe(1);
      expect(await count(2 * MINUTE, 3 * MINUTE)).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('reads durations of whole hours from hour rows and the minutes at the ends from minute rows, each task once', async () => {
    const store = open('hours_');
    try {
      const hour = 60 * MINUTE;
      const from = Math.ceil(START / hour) * hour - 30 * MINUTE;
      const created = Array.from({ length: 45 }, (_, index) => from + index * 7 * MINUTE + (index % 5) * 1_000);
      for (const [index, createdAt] of created.entries()) {
        const done = { state: 'completed', startedAt: createdAt, completedAt: createdAt + 10 * index } as const;
        await store.createTask(sampleTask({ createdAt, ...done }), []);
      }
      const minuteOf = (time: number) => Math.floor(time / MINUTE);
      for (const [start, end] of [
        [from, from + 5 * hour],
        [from + 29 * MINUTE + 1, from + 3 * hour + 31 * MINUTE],
        [from + 30 * MINUTE, from + 90 * MINUTE],
        [from + 45 * MINUTE, from + 80 * MINUTE],
      ] as const) {
        const expected = created.filter((at) => minuteOf(at) >= minuteOf(start) && minuteOf(at) <= minuteOf(end - 1));
        const figures = await store.taskFigures({ createdFrom: start, createdTo: end });
        expect(figures.byState.reduce((sum, entry) => sum + entry.count, 0)).toBe(expected.length);
        expect(figures.completedDurations.count).toBe(expected.length);
      }
    } finally {
      await store.close();
    }
  });

  it('backfills the rollups from the rows stored before migration 016', async () => {
    const prefix = 'backfill_';
    const store = open(prefix);
    try {
      for (const [index, state] of (['completed', 'failed', 'in_progress'] as const).entries()) {
        const task = sampleTask({ createdAt: START + index * MINUTE, updatedAt: START });
        await store.createTask(task, sampleSteps(task.id));
        await store.commit([
          {
            taskId: task.id,
            task: {
              state,
              startedAt: START,
              ...(state === 'in_progress' ? {} : { completedAt: START + 100 * (index + 1) }),
            },
            steps: [
              {
                name: 'validate_cart',
                state: state === 'failed' ? 'failed' : 'completed',
                attempts: 1 + index,
                durationMs: 20 * (index + 1),
              },
            ],
            transitions: [
              {
                taskId: task.id,
                stepName: 'validate_cart',
                from: 'in_progress',
                to: 'waiting_for_retry',
                attempt: 1,
                error: { code: 'RETRYABLE_ERROR', message: 'Gateway timeout', name: 'RetryableError' },
                by: 'engine',
                at: START,
              },
            ],
          },
        ]);
      }
      const window = { createdFrom: START, createdTo: START + 10 * MINUTE };
      // As if the rows had been stored before the migration: its tables dropped, then made again from the rows.
      await analyticsRollups.down(store.knex, tableNames(prefix));
      await analyticsRollups.up(store.knex, tableNames(prefix));
      const listed = await store.listActivity(window);
      expect(await store.taskFigures(window)).toEqual(taskFiguresOf(listed));
      const byStep = (figures: StepFigures) => ({
        ...figures,
        steps: [...figures.steps].sort((a, b) => a.step.localeCompare(b.step)),
      });
      const figures = await store.stepFigures(window);
      expect(byStep(figures)).toEqual(byStep(stepFiguresOf(listed)));
      expect(figures.tasks).toBe(3);
      expect(figures.steps.find((step) => step.step === 'validate_cart')?.commonErrors).toEqual([
        { code: 'RETRYABLE_ERROR', message: 'Gateway timeout', count: 3 },
      ]);
    } finally {
      await store.close();
    }
  });

  it('keeps counting purged tasks, and deletes the rollups of minutes past the longest analytics period', async () => {
    const store = open('retention_');
    try {
      const now = Date.now();
      const ages = [0, ROLLUP_RETENTION_MS - 2 * MINUTE, ROLLUP_RETENTION_MS + 2 * MINUTE];
      const tasks = ages.map((age) => sampleTask({ createdAt: now - age, updatedAt: now - age, state: 'completed' }));
      for (const task of tasks) await store.createTask(task, []);
      const countOf = async (age: number) =>
        (await store.taskFigures({ createdFrom: now - age - MINUTE, createdTo: now - age + MINUTE })).byState[0]?.count;
      expect(await Promise.all(ages.map(countOf))).toEqual([1, 1, 1]);
      expect(await store.purgeTasks([tasks[0]!.id])).toEqual([tasks[0]!.id]);
      expect(await Promise.all(ages.map(countOf))).toEqual([1, 1, undefined]);
    } finally {
      await store.close();
    }
  });
});

describe('analytics rollups on PostgreSQL under concurrent commits', () => {
  it('neither deadlock nor lose a count when batches share rollup rows and tasks, in opposite orders', async () => {
    const stores = Array.from({ length: 4 }, () => createKnexStore(databases.postgres(), { tablePrefix: 'shared_' }));
    try {
      await stores[0]!.migrate();
      const tasks = Array.from({ length: 12 }, (_, index) => sampleTask({ createdAt: START + index }));
      for (const task of tasks) await stores[0]!.createTask(task, sampleSteps(task.id));
      const states = ['in_progress', 'failed', 'completed', 'pending'] as const;
      await Promise.all(
        stores.map(async (store, worker) => {
          // Even workers write the tasks in one order, odd ones in the other: their row locks cross.
          const ordered = worker % 2 === 0 ? tasks : [...tasks].reverse();
          for (let round = 0; round < 25; round++) {
            await store.commit(
              ordered.map((task, index) => ({
                taskId: task.id,
                task: { state: states[(round + worker + index) % 4]!, startedAt: START, completedAt: START + round },
                steps: [{ name: 'validate_cart', state: 'completed', attempts: 1 + (round % 3), durationMs: index }],
              })),
            );
          }
        }),
      );
      const window = { createdFrom: START, createdTo: START + MINUTE };
      const listed = await stores[0]!.listActivity(window);
      const byState = (figures: TaskFigures) => [...figures.byState].sort((a, b) => a.state.localeCompare(b.state));
      expect(byState(await stores[0]!.taskFigures(window))).toEqual(byState(taskFiguresOf(listed)));
      const [step] = (await stores[0]!.stepFigures(window)).steps.filter((entry) => entry.step === 'validate_cart');
      const [expected] = stepFiguresOf(listed).steps.filter((entry) => entry.step === 'validate_cart');
      expect(step).toEqual(expected);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('neither deadlock nor lose a count when tasks are created while others of the same minute commit', async () => {
    // A creation adds to the tasks' rollups, then the steps'; a commit's triggers may run in the other order: without
    // one lock before any rollup, the two crossed and PostgreSQL killed one (a checkout answered 500 under load).
    const stores = Array.from({ length: 4 }, () => createKnexStore(databases.postgres(), { tablePrefix: 'mixed_' }));
    try {
      await stores[0]!.migrate();
      const running = Array.from({ length: 8 }, (_, index) => sampleTask({ createdAt: START + index }));
      for (const task of running) await stores[0]!.createTask(task, sampleSteps(task.id));
      let created = 0;
      await Promise.all(
        stores.map(async (store, worker) => {
          for (let round = 0; round < 20; round++) {
            if (worker % 2 === 0) {
              const task = sampleTask({ createdAt: START + 100 + round });
              await store.createTask(task, sampleSteps(task.id));
              created++;
            } else {
              await store.commit(
                running.map((task, index) => ({
                  taskId: task.id,
                  task: { state: round % 2 === 0 ? 'in_progress' : 'pending' },
                  steps: [{ name: 'validate_cart', state: 'completed', attempts: 1, durationMs: index + round }],
                })),
              );
            }
          }
        }),
      );
      expect(created).toBe(40);
      const window = { createdFrom: START, createdTo: START + MINUTE };
      const byState = (figures: TaskFigures) => [...figures.byState].sort((a, b) => a.state.localeCompare(b.state));
      expect(byState(await stores[0]!.taskFigures(window))).toEqual(
        byState(taskFiguresOf(await stores[0]!.listActivity(window))),
      );
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
