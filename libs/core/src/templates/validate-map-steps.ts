import type { TaskTemplate } from '../domain/template.js';
import type { TemplateProblem } from '../errors/template-validation-error.js';
import { parseValuePath, valuePathProblem } from '../expressions/value-path.js';

/** The steps `name` depends on, directly or not (unknown names and cycles are other rules' problems). */
function ancestorsOf(template: TaskTemplate, name: string): Set<string> {
  const byName = new Map(template.steps.map((step) => [step.name, step.dependsOn ?? []]));
  const found = new Set<string>();
  const visit = (step: string) => {
    for (const dependency of byName.get(step) ?? []) {
      if (found.has(dependency)) continue;
      found.add(dependency);
      visit(dependency);
    }
  };
  visit(name);
  return found;
}

/**
 * The problems of a template's map steps: only a handler step maps; `over` is a value path, and one reading a
 * step's result names a step it depends on (whose result exists before it starts); `maxParallel` is a positive
 * whole number.
 */
export function mapProblems(template: TaskTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const bad = (path: string, message: string) => problems.push({ code: 'INVALID_SETTING', path, message });
  template.steps.forEach((step, index) => {
    if (step.map === undefined) return;
    const at = `steps[${index}].map`;
    if (typeof step.map !== 'object' || step.map === null) {
      bad(at, 'must be { over, maxParallel? }');
      return;
    }
    if ((step.type ?? 'handler') !== 'handler') bad(at, `a ${step.type} step cannot map; only a handler step can`);
    const { over, maxParallel } = step.map;
    const problem = valuePathProblem(over);
    if (problem) bad(`${at}.over`, problem);
    else {
      const path = parseValuePath(over);
      if (path.root === 'results' && !ancestorsOf(template, step.name).has(path.step!)) {
        bad(`${at}.over`, `'${over}' reads the result of '${path.step}', which step '${step.name}' does not depend on`);
      }
    }
    if (maxParallel !== undefined && !(Number.isInteger(maxParallel) && maxParallel > 0)) {
      bad(`${at}.maxParallel`, 'must be a positive whole number');
    }
  });
  return problems;
}
