import { expect } from 'vitest';
import type { DurationFigures } from '../store/task-analytics.js';
import type { TaskStore } from '../store/task-store.js';
import { sampleSteps, sampleTask } from './sample-records.js';

/**
 * What a store that keeps analytics rollups (SQL, Redis) promises about long durations, which its histograms hold in
 * buckets of three significant digits: four completed tasks created from `start` (durations 999 ms to 1,000,001 ms)
 * give exact counts and averages, and the buckets' percentiles (1230 for the exact 1234, 1,000,000 for 1,000,001:
 * within 1% under the exact ones), the same on every such store. Answers the figures for further checks.
 */
export async function expectRollupPercentilesOfLongDurations(
  store: TaskStore,
  start: number,
): Promise<DurationFigures> {
  const durations = [1234, 56_789, 999, 1_000_001];
  for (const [index, duration] of durations.entries()) {
    const task = sampleTask({
      createdAt: start + index,
      state: 'completed',
      startedAt: start,
      completedAt: start + duration,
    });
    await store.createTask(task, sampleSteps(task.id));
  }
  const { completedDurations } = await store.taskFigures({ createdFrom: start, createdTo: start + 60_000 });
  expect(completedDurations.count).toBe(4);
  expect(completedDurations.avg).toBe(durations.reduce((sum, value) => sum + value, 0) / 4);
  expect([completedDurations.p50, completedDurations.p95, completedDurations.p99]).toEqual([
    1230, 1_000_000, 1_000_000,
  ]);
  return completedDurations;
}
