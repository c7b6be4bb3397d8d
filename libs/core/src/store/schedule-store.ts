import type { ScheduleAdvance, ScheduleRecord } from '../schedules/schedule.js';

/**
 * Where schedules live, shared by every worker of the store (see `Engine.schedule`).
 *
 * Promises:
 * - `saveSchedule` creates or replaces the schedule of that id whole.
 * - `advanceSchedule` is a compare-and-set: it changes the schedule only while its `nextFireAt` is still `from`, so
 *   of the workers that found one fire time due, one advances it. (Exactly one *task* per fire time is the task
 *   log's idempotency key's promise: the fired task's key is derived from the schedule and the time.)
 * - Reads return copies.
 */
export interface ScheduleStore {
  saveSchedule(schedule: ScheduleRecord): Promise<void>;
  getSchedule(id: string): Promise<ScheduleRecord | undefined>;
  /** Every schedule, by id. */
  listSchedules(): Promise<ScheduleRecord[]>;
  /** Deletes the schedule; `false` when there was none. */
  deleteSchedule(id: string): Promise<boolean>;
  /** Applies `advance` when the schedule's `nextFireAt` is `from`; answers whether it did. */
  advanceSchedule(id: string, from: number, advance: ScheduleAdvance): Promise<boolean>;
}
