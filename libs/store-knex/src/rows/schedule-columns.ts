import type { Column } from './column.js';

/** Every column of the schedules table (migration 008) and the `ScheduleRecord` field it holds. */
export const SCHEDULE_COLUMNS: readonly Column[] = [
  { field: 'id', column: 'id', kind: 'text' },
  { field: 'cron', column: 'cron', kind: 'text' },
  { field: 'timezone', column: 'timezone', kind: 'text' },
  { field: 'task', column: 'task', kind: 'json' },
  { field: 'catchUp', column: 'catch_up', kind: 'text' },
  { field: 'overlap', column: 'overlap', kind: 'text' },
  { field: 'nextFireAt', column: 'next_fire_at', kind: 'time' },
  { field: 'lastTaskId', column: 'last_task_id', kind: 'text' },
  { field: 'createdAt', column: 'created_at', kind: 'time' },
  { field: 'updatedAt', column: 'updated_at', kind: 'time' },
];
