import type { DurationFigures, TaskFigures, TaskState } from '@tasker/core';
import { PERIODS, type PeriodName } from './periods.js';
import { ratio } from './ratio.js';

/** How the tasks created in one window fared. */
export interface PeriodPerformance {
  tasks_created: number;
  tasks_completed: number;
  tasks_failed: number;
  tasks_cancelled: number;
  tasks_resolved_manually: number;
  /** `pending` or `in_progress` now. */
  tasks_unfinished: number;
  /** Completed tasks per hour of the window. */
  throughput_per_hour: number;
  /** Completed / created. */
  completion_rate: number | null;
  /** Failed / created. */
  error_rate: number | null;
  /** Completed / (completed + failed): the system health score. */
  health_score: number | null;
  /** From start to completion of the completed tasks. */
  task_duration_ms: DurationFigures;
}

/**
 * The performance of one window from the store's figures of the tasks created in it. A task created in the window
 * counts with the state it has now.
 */
export function performanceOf({ byState, completedDurations }: TaskFigures, period: PeriodName): PeriodPerformance {
  const count = (...states: TaskState[]) =>
    byState.filter((entry) => states.includes(entry.state)).reduce((sum, entry) => sum + entry.count, 0);
  const created = byState.reduce((sum, entry) => sum + entry.count, 0);
  const completed = count('completed');
  const failed = count('failed');
  return {
    tasks_created: created,
    tasks_completed: completed,
    tasks_failed: failed,
    tasks_cancelled: count('cancelled'),
    tasks_resolved_manually: count('resolved_manually'),
    tasks_unfinished: count('pending', 'in_progress'),
    throughput_per_hour: completed / (PERIODS[period] / PERIODS['1h']),
    completion_rate: ratio(completed, created),
    error_rate: ratio(failed, created),
    health_score: ratio(completed, completed + failed),
    task_duration_ms: completedDurations,
  };
}
