import { durationFigures } from './duration-figures.js';
import type { TaskActivity } from './task-activity.js';
import { COMMON_ERROR_RANKS, type ErrorCount, type StepFigures, type TaskFigures } from './task-analytics.js';

/** Start to completion of a completed task, `undefined` for any other. */
function completedDuration(task: TaskActivity['task']): number | undefined {
  return task.state === 'completed' && task.startedAt !== undefined && task.completedAt !== undefined
    ? task.completedAt - task.startedAt
    : undefined;
}

/**
 * The errors whose count is among the {@link COMMON_ERROR_RANKS} highest, ties all kept: a step's
 * `StepFigure.commonErrors` from all its counted errors.
 */
export function commonErrorsOf(errors: Iterable<ErrorCount>): ErrorCount[] {
  const all = [...errors];
  const ranks = [...new Set(all.map((error) => error.count))].sort((a, b) => b - a).slice(0, COMMON_ERROR_RANKS);
  return all.filter((error) => ranks.includes(error.count));
}

/**
 * {@link TaskAnalytics.taskFigures} computed in JavaScript from the tasks themselves: the memory store's answer,
 * and the reference the contract suite checks every store's against.
 */
export function taskFiguresOf(activities: readonly TaskActivity[]): TaskFigures {
  const counts = new Map<string, TaskFigures['byState'][number]>();
  const durations: number[] = [];
  for (const { task } of activities) {
    const key = JSON.stringify([task.namespace, task.state]);
    const entry = counts.get(key) ?? { namespace: task.namespace, state: task.state, count: 0 };
    entry.count++;
    counts.set(key, entry);
    const duration = completedDuration(task);
    if (duration !== undefined) durations.push(duration);
  }
  return { byState: [...counts.values()], completedDurations: durationFigures(durations) };
}

/** {@link TaskAnalytics.stepFigures} computed in JavaScript from the tasks themselves (see {@link taskFiguresOf}). */
export function stepFiguresOf(activities: readonly TaskActivity[]): StepFigures {
  const steps = new Map<
    string,
    {
      figure: Omit<StepFigures['steps'][number], 'durations' | 'commonErrors'>;
      durations: number[];
      errors: Map<string, ErrorCount>;
    }
  >();
  const templates = new Map<string, { namespace: string; name: string; version: string; durations: number[] }>();
  for (const { task, steps: taskSteps, failures } of activities) {
    const templateKey = JSON.stringify([task.namespace, task.name, task.version]);
    const template = templates.get(templateKey) ?? {
      namespace: task.namespace,
      name: task.name,
      version: task.version,
      durations: [],
    };
    templates.set(templateKey, template);
    const duration = completedDuration(task);
    if (duration !== undefined) template.durations.push(duration);
    for (const step of taskSteps) {
      const key = JSON.stringify([task.namespace, task.name, step.name]);
      let entry = steps.get(key);
      if (!entry) {
        entry = {
          figure: {
            namespace: task.namespace,
            name: task.name,
            step: step.name,
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
      const { figure } = entry;
      if (step.dependentSystem !== undefined && !(figure.dependentSystem! >= step.dependentSystem)) {
        figure.dependentSystem = step.dependentSystem;
      }
      if (step.attempts > 0) figure.executions++;
      figure.attempts += step.attempts;
      figure.retries += Math.max(0, step.attempts - 1);
      if (step.state === 'failed') figure.failures++;
      if (step.durationMs !== undefined) entry.durations.push(step.durationMs);
    }
    for (const failure of failures) {
      if (failure.stepName === undefined || failure.error === undefined) continue;
      const entry = steps.get(JSON.stringify([task.namespace, task.name, failure.stepName]));
      if (!entry) continue;
      const { code, message } = failure.error;
      const errorKey = JSON.stringify([code, message]);
      const counted = entry.errors.get(errorKey) ?? { code, message, count: 0 };
      counted.count++;
      entry.errors.set(errorKey, counted);
    }
  }
  return {
    tasks: activities.length,
    steps: [...steps.values()].map(({ figure, durations, errors }) => ({
      ...figure,
      durations: durationFigures(durations),
      commonErrors: commonErrorsOf(errors.values()),
    })),
    templates: [...templates.values()].map(({ durations, ...template }) => ({
      ...template,
      durations: durationFigures(durations),
    })),
  };
}
