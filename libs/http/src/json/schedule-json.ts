import { NEVER_FIRES, type ScheduleRecord } from '@tasker/core';
import { isoTime } from './time.js';

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
    // A schedule that never fires again shows no next time.
    next_fire_at: schedule.nextFireAt >= NEVER_FIRES ? null : isoTime(schedule.nextFireAt),
    last_task_id: schedule.lastTaskId ?? null,
    created_at: isoTime(schedule.createdAt)!,
    updated_at: isoTime(schedule.updatedAt)!,
  };
}
