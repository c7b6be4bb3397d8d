import type { StepTemplate, TaskTemplate } from '../domain/template.js';
import type { TemplateProblem } from '../errors/template-validation-error.js';
import { parseValuePath, valuePathProblem } from '../expressions/value-path.js';
import { ancestorsOf } from '../templates/dependency-graph.js';

const isPositiveInteger = (value: unknown) => Number.isInteger(value) && (value as number) > 0;

/**
 * The problems of a step's `concurrency` and `rateLimit`: a key that is a value path (a `$.results` one naming a
 * step the step depends on, directly or not, so that its value is there when the step starts), positive integer
 * limits and period.
 */
function limitProblems(
  step: StepTemplate,
  at: string,
  ancestors: (step: string) => ReadonlySet<string>,
  bad: (path: string, message: string) => void,
): void {
  for (const [field, limit] of [
    ['concurrency', step.concurrency],
    ['rateLimit', step.rateLimit],
  ] as const) {
    if (limit === undefined) continue;
    if (typeof limit !== 'object' || limit === null) {
      bad(`${at}.${field}`, 'must be an object with a key and a limit');
      continue;
    }
    const problem = valuePathProblem(limit.key);
    if (problem) bad(`${at}.${field}.key`, problem);
    else {
      const { step: source } = parseValuePath(limit.key);
      if (source !== undefined && !ancestors(step.name).has(source)) {
        bad(`${at}.${field}.key`, `'${limit.key}' reads step '${source}', which '${step.name}' does not depend on`);
      }
    }
    if (!isPositiveInteger(limit.limit)) bad(`${at}.${field}.limit`, 'must be a positive integer');
  }
  if (step.rateLimit && typeof step.rateLimit === 'object' && !isPositiveInteger(step.rateLimit.periodMs)) {
    bad(`${at}.rateLimit.periodMs`, 'must be a positive integer of milliseconds');
  }
}

/** Every problem of the concurrency keys and rate limits of `template`'s steps. */
export function limitsProblems(template: TaskTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const bad = (path: string, message: string) => problems.push({ code: 'INVALID_SETTING', path, message });
  const byName = new Map(template.steps.map((step) => [step.name, step.dependsOn]));
  const ancestors = (name: string) => ancestorsOf((step) => byName.get(step), name);
  template.steps.forEach((step, index) => limitProblems(step, `steps[${index}]`, ancestors, bad));
  return problems;
}
