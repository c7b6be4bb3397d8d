import { MAX_CATCH_UP_FIRES, type ScheduleRecord } from './schedule.js';
import type { CronTimes } from './cron-times.js';

/** How many due fire times one scan walks through before it looks only at the last {@link SCAN_RESTART_MS}. */
const SCAN_LIMIT = 10_000;
const SCAN_RESTART_MS = 60 * 60_000;

/** What a due schedule does now: the times to fire, how many it skips, and its next fire time after them. */
export interface FirePlan {
  fireAt: number[];
  skipped: number;
  /** `undefined` when the cron expression has no later time. */
  nextFireAt: number | undefined;
}

/** The newest {@link MAX_CATCH_UP_FIRES} fire times from `first` to `now`, how many older ones, and the next time. */
function dueTimes(first: number, times: CronTimes, now: number): { due: number[]; older: number; next?: number } {
  const due: number[] = [];
  let older = 0;
  let scanned = 0;
  let restarted = false;
  let at: number | undefined = first;
  while (at !== undefined && at <= now) {
    if (++scanned > SCAN_LIMIT && !restarted) {
      // Walking a year of a per-second schedule would take long: the older times count as skipped.
      restarted = true;
      older += due.length;
      due.length = 0;
      at = times.after(Math.max(at, now - SCAN_RESTART_MS));
      continue;
    }
    due.push(at);
    if (due.length > MAX_CATCH_UP_FIRES) {
      due.shift();
      older++;
    }
    at = times.after(at);
  }
  return at === undefined ? { due, older } : { due, older, next: at };
}

/**
 * The fire times of `schedule` due at `now` (from its `nextFireAt` to `now`), and which of them fire by its
 * `catchUp`. A time at most `onTimeMs` old is on time (the loop woke for it); older ones were missed: `none` fires
 * only the newest time when it is on time, `latest` fires the newest time, `all` fires the newest
 * {@link MAX_CATCH_UP_FIRES}, oldest first. A scan walks at most 10,000 times: past that (a long downtime of a
 * frequent schedule) it looks at the last hour only.
 */
export function planFires(schedule: ScheduleRecord, times: CronTimes, now: number, onTimeMs: number): FirePlan {
  const { due, older, next } = dueTimes(schedule.nextFireAt, times, now);
  const newest = due.slice(-1);
  let fireAt: number[];
  if (schedule.catchUp === 'all') fireAt = due;
  else if (schedule.catchUp === 'latest') fireAt = newest;
  else fireAt = newest.filter((time) => now - time <= onTimeMs);
  return { fireAt, skipped: older + due.length - fireAt.length, nextFireAt: next };
}
