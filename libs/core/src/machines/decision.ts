import type { JsonValue } from '../domain/json.js';
import type { TaskStepEntry } from './task-context.js';
import type { TaskDefinition } from './task-definition.js';

/** The deferred steps that depend on decision step `decision`: those its result may activate. */
export function deferredDependants(definition: TaskDefinition, decision: string): string[] {
  return definition.order.filter((name) => {
    const step = definition.steps.get(name)!;
    return step.settings.deferred === true && step.dependsOn.includes(decision);
  });
}

/**
 * Why `result`, returned by decision step `decision`'s handler, is no decision; `undefined` when it is one: an object
 * whose `activate` lists deferred dependants of the step.
 */
export function decisionProblem(definition: TaskDefinition, decision: string, result: JsonValue): string | undefined {
  const activate = (result as { activate?: unknown } | null)?.activate;
  if (typeof result !== 'object' || result === null || Array.isArray(result) || !Array.isArray(activate)) {
    return `decision step '${decision}' must return { activate: [step names] }`;
  }
  const allowed = deferredDependants(definition, decision);
  const wrong = activate.filter((name) => typeof name !== 'string' || !allowed.includes(name));
  if (wrong.length === 0) return undefined;
  return (
    `decision step '${decision}' activated ${wrong.map((name) => JSON.stringify(name)).join(', ')}, ` +
    `not among its deferred dependants (${allowed.join(', ') || 'none'})`
  );
}

/**
 * The steps a settled decision skips: its deferred dependants its result does not activate (a manual resolution's
 * result may activate none), then every pending step all of whose dependencies are skipped, one of them by this
 * decision: a branch not taken is skipped as a whole, while a join after it runs once the branch taken is done.
 */
export function unchosenSteps(
  definition: TaskDefinition,
  steps: Readonly<Record<string, TaskStepEntry>>,
  decision: string,
  result: JsonValue | undefined,
): string[] {
  const activate = (result as { activate?: unknown } | null | undefined)?.activate;
  const chosen = new Set(Array.isArray(activate) ? activate : []);
  const skipped = new Set(
    deferredDependants(definition, decision).filter((name) => !chosen.has(name) && steps[name]?.state === 'pending'),
  );
  const skippedNow = (name: string) => skipped.has(name) || steps[name]?.state === 'skipped';
  // Template order need not be dependency order: go round until nothing more is skipped.
  for (let grew = skipped.size > 0; grew;) {
    grew = false;
    for (const name of definition.order) {
      const { dependsOn } = definition.steps.get(name)!;
      if (skipped.has(name) || steps[name]?.state !== 'pending' || dependsOn.length === 0) continue;
      if (dependsOn.every(skippedNow) && dependsOn.some((dependency) => skipped.has(dependency))) {
        skipped.add(name);
        grew = true;
      }
    }
  }
  return [...skipped];
}
