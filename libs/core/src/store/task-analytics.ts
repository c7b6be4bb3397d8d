import type { TaskState } from '../domain/states.js';
import type { ActivityFilter } from './task-activity.js';

/**
 * Count, average and nearest-rank percentiles of a set of durations in milliseconds; `null`s when there are none.
 * A nearest-rank percentile is always one of the durations (PostgreSQL's `percentile_disc`), so SQL stores and the
 * memory store agree exactly; the Redis store answers from histograms, within the bound its README gives.
 */
export interface DurationFigures {
  count: number;
  avg: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** How many tasks of a namespace, created in the window, are in a state now. */
export interface StateCount {
  namespace: string;
  state: TaskState;
  count: number;
}

/** What the tasks created in a window became: counts by state and the durations of those that completed. */
export interface TaskFigures {
  /** Non-zero counts only, in no promised order. */
  byState: StateCount[];
  /** From start to completion of the completed tasks. */
  completedDurations: DurationFigures;
}

/** How often one error (code and message) ended a failed attempt of a step. */
export interface ErrorCount {
  code: string;
  message: string;
  count: number;
}

/** One step of one template (all versions), across the tasks of the window. */
export interface StepFigure {
  namespace: string;
  /** The template's name. */
  name: string;
  step: string;
  /** The outside system the step talks to; the greatest name when versions of the template differ. */
  dependentSystem?: string;
  /** Steps that ran at least once. */
  executions: number;
  attempts: number;
  /** Attempts after a step's first. */
  retries: number;
  /** Steps that are `failed` now. */
  failures: number;
  /** Of the latest attempt of each step that has a duration. */
  durations: DurationFigures;
  /**
   * The errors of failed attempts with the highest counts: every error whose count is among the three highest
   * (ties all kept), in no promised order, so that callers pick the top three with their own tie-break.
   */
  commonErrors: ErrorCount[];
}

/** One template version's completed tasks in the window. */
export interface TemplateFigure {
  namespace: string;
  name: string;
  version: string;
  /** From start to completion of its completed tasks (count 0 when none completed). */
  durations: DurationFigures;
}

/** Per-step and per-template figures of the tasks created in a window. */
export interface StepFigures {
  /** Tasks the figures come from. */
  tasks: number;
  /** In no promised order. */
  steps: StepFigure[];
  /** Every template version with a task in the window, in no promised order. */
  templates: TemplateFigure[];
}

/** How many of the highest error counts {@link StepFigure.commonErrors} keeps. */
export const COMMON_ERROR_RANKS = 3;

/**
 * Figures over the tasks created in a window, computed where the tasks are (SQL aggregates, rollups kept at commit
 * time) so that a query costs the same whether the window holds a thousand tasks or a million, and nothing but the
 * figures travels to the engine. The REST API's analytics and status routes answer from it.
 */
export interface TaskAnalytics {
  /** Counts by namespace and state, and completed durations, of the tasks the filter selects. */
  taskFigures(filter: ActivityFilter): Promise<TaskFigures>;
  /** Per-step and per-template figures of the tasks the filter selects. */
  stepFigures(filter: ActivityFilter): Promise<StepFigures>;
}
