import type { TaskTemplate } from '../domain/template.js';
import { FINISHED_TASK_STATES, type FinishedTaskState } from '../store/task-retention.js';
import { overridden, type RetentionMs } from './retention-policy.js';
import type { PurgePlan } from './task-purger.js';

/** The states an operator's purge by age takes when it names none: all finished ones but `compensation_failed`. */
export const DEFAULT_PURGE_STATES: readonly FinishedTaskState[] = FINISHED_TASK_STATES.filter(
  (state) => state !== 'compensation_failed',
);

/** Every task of `states` finished more than `ageMs` ago (an operator's `tasker purge --older-than`). */
export function olderThanPlan(ageMs: number, states: readonly FinishedTaskState[]): PurgePlan {
  return {
    shortestAge: Object.fromEntries(states.map((state) => [state, ageMs])),
    ageOf: () => ageMs,
  };
}

/**
 * The retention policy: the engine's ages, each template's `retention` over them for its tasks (a task whose
 * template this engine has not registered gets the engine's), limited to `states` when given.
 */
export function policyPlan(
  ages: RetentionMs,
  templates: readonly TaskTemplate[],
  states: readonly FinishedTaskState[] = FINISHED_TASK_STATES,
): PurgePlan {
  const byTemplate = new Map(
    templates.map((template) => [
      `${template.namespace}/${template.name}@${template.version}`,
      overridden(ages, template.retention, 'retention'),
    ]),
  );
  const shortestAge: PurgePlan['shortestAge'] = {};
  for (const state of states) {
    const candidates = [ages, ...byTemplate.values()].flatMap((policy) => policy[state] ?? []);
    if (candidates.length > 0) shortestAge[state] = Math.min(...candidates);
  }
  return {
    shortestAge,
    ageOf: (task) => (byTemplate.get(`${task.namespace}/${task.name}@${task.version}`) ?? ages)[task.state],
  };
}
