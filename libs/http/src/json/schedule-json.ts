import { type ScheduleRecord } from '@tasker/core';
import { isoTime } from './time.js';

/** The `nextFireAt` of a schedule that never fires again (see `NEVER` in core): shown as `null`. */
const NEVER = Number.MAX_SAFE_INTEGER;

/** A schedule as the API shows it. */
export function scheduleJson(schedule: ScheduleRecord) {
  return {
    id: schedule.id,
    cron: schedule.cron,
    timezone: schedule.timezone ?? null,
    task: {
      namespace: schedule.task.namespace,
      name: schedule.task.name,
      version: schedule.task.version ?? null,
      context: schedule.task.context,
    },
    catch_up: schedule.catchUp,
    overlap: schedule.overlap,
    next_fire_at: schedule.nextFireAt >= NEVER ? null : isoTime(schedule.nextFireAt),
    last_task_id: schedule.lastTaskId ?? null,
    created_at: isoTime(schedule.createdAt)!,
    updated_at: isoTime(schedule.updatedAt)!,
  };
}
