import type { TaskActivity, TaskState } from '@tasker/core';
import { durationStats, ratio, type DurationStats } from './duration-stats.js';
import { PERIODS, type PeriodName } from './periods.js';

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
  task_duration_ms: DurationStats;
}

/**
 * Performance over each window, from the tasks created in it (`activities` must cover the longest window ending at
 * `now`). A task created in the window counts with the state it has now.
 */
export function performanceOf(
  activities: readonly TaskActivity[],
  now: number,
  periods: readonly PeriodName[],
): Record<string, PeriodPerformance> {
  const result: Record<string, PeriodPerformance> = {};
  for (const period of periods) {
    const from = now - PERIODS[period];
    const tasks = activities.map((activity) => activity.task).filter((task) => task.createdAt >= from);
    const count = (...states: TaskState[]) => tasks.filter((task) => states.includes(task.state)).length;
    const completed = tasks.filter((task) => task.state === 'completed');
    const failed = count('failed');
    const durations = completed
      .filter((task) => task.startedAt !== undefined && task.completedAt !== undefined)
      .map((task) => task.completedAt! - task.startedAt!);
    result[period] = {
      tasks_created: tasks.length,
      tasks_completed: completed.length,
      tasks_failed: failed,
      tasks_cancelled: count('cancelled'),
      tasks_resolved_manually: count('resolved_manually'),
      tasks_unfinished: count('pending', 'in_progress'),
      throughput_per_hour: completed.length / (PERIODS[period] / PERIODS['1h']),
      completion_rate: ratio(completed.length, tasks.length),
      error_rate: ratio(failed, tasks.length),
      health_score: ratio(completed.length, completed.length + failed),
      task_duration_ms: durationStats(durations),
    };
  }
  return result;
}
