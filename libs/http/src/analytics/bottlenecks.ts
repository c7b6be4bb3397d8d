import type { TaskActivity } from '@tasker/core';
import { durationStats, ratio, type DurationStats } from './duration-stats.js';

/** One step of one template, across the tasks of the window. */
export interface StepBottleneck {
  namespace: string;
  task_name: string;
  step_name: string;
  /** The outside system the step talks to (its template's `dependent_system`), `null` when it names none. */
  dependent_system: string | null;
  /** Steps that ran at least once. */
  executions: number;
  /** Of the latest attempt of each step that ran. */
  duration_ms: DurationStats;
  attempts: number;
  /** Attempts after a step's first. */
  retries: number;
  /** Retries / attempts. */
  retry_rate: number | null;
  /** Steps that ended `failed`. */
  failures: number;
  /** Errors of failed attempts, most frequent first (three at most). */
  most_common_errors: Array<{ code: string; message: string; count: number }>;
}

/** One template's completed tasks in the window. */
export interface TaskBottleneck {
  namespace: string;
  task_name: string;
  version: string;
  duration_ms: DurationStats;
}

const MOST_COMMON_ERRORS = 3;

/** Largest p95 first, then largest average, then by name for a stable order. */
function slowestFirst<T extends { duration_ms: DurationStats }>(a: T, b: T, nameOf: (item: T) => string): number {
  return (
    (b.duration_ms.p95 ?? -1) - (a.duration_ms.p95 ?? -1) ||
    (b.duration_ms.avg ?? -1) - (a.duration_ms.avg ?? -1) ||
    nameOf(a).localeCompare(nameOf(b))
  );
}

/**
 * The slowest steps (with retry rate and most common errors) and slowest templates among `activities`, `limit`
 * of each.
 */
export function bottlenecksOf(
  activities: readonly TaskActivity[],
  limit: number,
): { slowest_steps: StepBottleneck[]; slowest_tasks: TaskBottleneck[] } {
  const steps = new Map<
    string,
    {
      step: Omit<StepBottleneck, 'duration_ms' | 'retry_rate' | 'most_common_errors'>;
      durations: number[];
      errors: Map<string, { code: string; message: string; count: number }>;
    }
  >();
  const tasks = new Map<string, { namespace: string; task_name: string; version: string; durations: number[] }>();
  for (const { task, steps: taskSteps, failures } of activities) {
    const templateKey = JSON.stringify([task.namespace, task.name, task.version]);
    const template = tasks.get(templateKey) ?? {
      namespace: task.namespace,
      task_name: task.name,
      version: task.version,
      durations: [],
    };
    tasks.set(templateKey, template);
    if (task.state === 'completed' && task.startedAt !== undefined && task.completedAt !== undefined) {
      template.durations.push(task.completedAt - task.startedAt);
    }
    for (const step of taskSteps) {
      const key = JSON.stringify([task.namespace, task.name, step.name]);
      let entry = steps.get(key);
      if (!entry) {
        entry = {
          step: {
            namespace: task.namespace,
            task_name: task.name,
            step_name: step.name,
            dependent_system: step.dependentSystem ?? null,
            executions: 0,
            attempts: 0,
            retries: 0,
            failures: 0,
          },
          durations: [],
          errors: new Map(),
        };
        steps.set(key, entry);
      }
      if (step.attempts > 0) entry.step.executions++;
      entry.step.attempts += step.attempts;
      entry.step.retries += Math.max(0, step.attempts - 1);
      if (step.state === 'failed') entry.step.failures++;
      if (step.durationMs !== undefined) entry.durations.push(step.durationMs);
    }
    for (const failure of failures) {
      if (failure.stepName === undefined || failure.error === undefined) continue;
      const entry = steps.get(JSON.stringify([task.namespace, task.name, failure.stepName]));
      if (!entry) continue;
      const errorKey = JSON.stringify([failure.error.code, failure.error.message]);
      const counted = entry.errors.get(errorKey) ?? {
        code: failure.error.code,
        message: failure.error.message,
        count: 0,
      };
      counted.count++;
      entry.errors.set(errorKey, counted);
    }
  }
  const slowestSteps = [...steps.values()]
    .map(({ step, durations, errors }) => ({
      ...step,
      duration_ms: durationStats(durations),
      retry_rate: ratio(step.retries, step.attempts),
      most_common_errors: [...errors.values()]
        .sort((a, b) => b.count - a.count || a.message.localeCompare(b.message))
        .slice(0, MOST_COMMON_ERRORS),
    }))
    .sort((a, b) => slowestFirst(a, b, (item) => `${item.namespace}/${item.task_name}/${item.step_name}`))
    .slice(0, limit);
  const slowestTasks = [...tasks.values()]
    .map(({ durations, ...template }) => ({ ...template, duration_ms: durationStats(durations) }))
    .sort((a, b) => slowestFirst(a, b, (item) => `${item.namespace}/${item.task_name}@${item.version}`))
    .slice(0, limit);
  return { slowest_steps: slowestSteps, slowest_tasks: slowestTasks };
}
