import { expect, it } from 'vitest';
import type { ScheduleRecord } from '../schedules/schedule.js';
import type { TaskStore } from '../store/task-store.js';
import { sampleSteps, sampleTask } from './sample-records.js';

const NOW = 2_000_000_000_000;

/** A schedule record for store tests. */
function sampleSchedule(overrides: Partial<ScheduleRecord> = {}): ScheduleRecord {
  return {
    id: 'nightly-summary',
    cron: '0 0 2 * * *',
    timezone: 'Europe/Oslo',
    task: { namespace: 'reports', name: 'sales_summary', version: '1.0.0', context: { window: { days: 1 } } },
    catchUp: 'latest',
    overlap: 'skip',
    nextFireAt: NOW + 60_000,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

/**
 * The schedule cases of the store contract: schedules saved, read, listed, replaced and deleted, their next fire time
 * advanced by a compare-and-set; and a delayed task (`runAt`) claimable from its time, not its creation. Run by
 * `describeStoreContract`.
 */
export function scheduleContractCases(store: () => TaskStore): void {
  it('saves a schedule and reads it back equal; saving the same id replaces it; lists by id', async () => {
    const schedule = sampleSchedule();
    const bare = sampleSchedule({ id: 'a-hourly', cron: '0 * * * *', catchUp: 'none', overlap: 'allow' });
    delete bare.timezone;
    await store().saveSchedule(schedule);
    await store().saveSchedule(bare);
    expect(await store().getSchedule(schedule.id)).toEqual(schedule);
    const replaced = { ...schedule, cron: '0 30 3 * * *', lastTaskId: 'task-1', updatedAt: NOW + 1 };
    await store().saveSchedule(replaced);
    expect(await store().listSchedules()).toEqual([bare, replaced]);
    expect(await store().getSchedule('nothing')).toBeUndefined();
  });

  it('deletes a schedule once: a second delete answers false', async () => {
    await store().saveSchedule(sampleSchedule());
    expect(await store().deleteSchedule('nightly-summary')).toBe(true);
    expect(await store().deleteSchedule('nightly-summary')).toBe(false);
    expect(await store().listSchedules()).toEqual([]);
  });

  it('advances a schedule only from the next fire time it still has: of two workers, one wins', async () => {
    const schedule = sampleSchedule();
    await store().saveSchedule(schedule);
    const advance = { nextFireAt: schedule.nextFireAt + 86_400_000, lastTaskId: 'task-1', updatedAt: NOW + 5 };
    const outcomes = await Promise.all([
      store().advanceSchedule(schedule.id, schedule.nextFireAt, advance),
      store().advanceSchedule(schedule.id, schedule.nextFireAt, { ...advance, lastTaskId: 'task-2' }),
    ]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const stored = await store().getSchedule(schedule.id);
    expect(stored?.nextFireAt).toBe(advance.nextFireAt);
    expect(await store().advanceSchedule('nothing', 1, advance)).toBe(false);
  });

  it('makes a task created unleased with a later runAt claimable from then, and says when it falls due', async () => {
    const runAt = NOW + 3_600_000;
    const delayed = sampleTask({ runAt, scheduleId: 'nightly-summary', scheduledFor: runAt });
    await store().createTasks([{ task: delayed, steps: sampleSteps(delayed.id) }]);
    expect(await store().getTask(delayed.id)).toEqual(delayed);
    const early = await store().claimTasks({ workerId: 'w1', now: NOW, until: NOW + 30_000, limit: 5 });
    expect(early.leases).toEqual([]);
    expect(early.nextDueAt).toBe(runAt);
    expect(await store().countWaiting(NOW)).toBe(0);
    const due = await store().claimTasks({ workerId: 'w1', now: runAt, until: runAt + 30_000, limit: 5 });
    expect(due.leases.map((lease) => lease.taskId)).toEqual([delayed.id]);
  });
}
