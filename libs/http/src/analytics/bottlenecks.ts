import { COMMON_ERROR_RANKS, type DurationFigures, type ErrorCount, type StepFigures } from '@tasker/core';
import { ratio } from './ratio.js';

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
  duration_ms: DurationFigures;
  attempts: number;
  /** Attempts after a step's first. */
  retries: number;
  /** Retries / attempts. */
  retry_rate: number | null;
  /** Steps that ended `failed`. */
  failures: number;
  /** Errors of failed attempts, most frequent first (three at most). */
  most_common_errors: ErrorCount[];
}

/** One template's completed tasks in the window. */
export interface TaskBottleneck {
  namespace: string;
  task_name: string;
  version: string;
  duration_ms: DurationFigures;
}

/** Largest p95 first, then largest average, then by name for a stable order. */
function slowestFirst<T extends { duration_ms: DurationFigures }>(a: T, b: T, nameOf: (item: T) => string): number {
  return (
    (b.duration_ms.p95 ?? -1) - (a.duration_ms.p95 ?? -1) ||
    (b.duration_ms.avg ?? -1) - (a.duration_ms.avg ?? -1) ||
    nameOf(a).localeCompare(nameOf(b))
  );
}

/**
 * The slowest steps (with retry rate and most common errors) and slowest templates of the store's figures, `limit`
 * of each.
 */
export function bottlenecksOf(
  figures: StepFigures,
  limit: number,
): { slowest_steps: StepBottleneck[]; slowest_tasks: TaskBottleneck[] } {
  const slowestSteps = figures.steps
    .map((step) => ({
      namespace: step.namespace,
      task_name: step.name,
      step_name: step.step,
      dependent_system: step.dependentSystem ?? null,
      executions: step.executions,
      duration_ms: step.durations,
      attempts: step.attempts,
      retries: step.retries,
      retry_rate: ratio(step.retries, step.attempts),
      failures: step.failures,
      most_common_errors: [...step.commonErrors]
        .sort((a, b) => b.count - a.count || a.message.localeCompare(b.message))
        .slice(0, COMMON_ERROR_RANKS),
    }))
    .sort((a, b) => slowestFirst(a, b, (item) => `${item.namespace}/${item.task_name}/${item.step_name}`))
    .slice(0, limit);
  const slowestTasks = figures.templates
    .map((template) => ({
      namespace: template.namespace,
      task_name: template.name,
      version: template.version,
      duration_ms: template.durations,
    }))
    .sort((a, b) => slowestFirst(a, b, (item) => `${item.namespace}/${item.task_name}@${item.version}`))
    .slice(0, limit);
  return { slowest_steps: slowestSteps, slowest_tasks: slowestTasks };
}
