import { templateKey, type TaskTemplate, type TemplateProblem } from '@tasker/core';
import { findCycle } from '@tasker/core/internal';
import type { TemplateIssue, TemplateIssueCode } from '../errors/template-load-error.js';
import { originOf } from '../yaml/template-origin.js';

/**
 * Core reports a cycle at `steps`; a person wants the line where the cycle closes: the dependency of the
 * cycle's first step on the next one.
 */
function cyclePath(template: TaskTemplate): string {
  const cycle = findCycle(
    template.steps.map((step) => ({
      name: step.name,
      dependsOn: (step.dependsOn ?? []).filter((d) => d !== step.name),
    })),
  );
  const index = cycle ? template.steps.findIndex((step) => step.name === cycle[0]) : -1;
  const dependency = cycle && index >= 0 ? (template.steps[index]!.dependsOn ?? []).indexOf(cycle[1]!) : -1;
  return dependency >= 0 ? `steps[${index}].dependsOn[${dependency}]` : 'steps';
}

/**
 * Core's template problems as issues at the YAML lines they concern; a template built in TypeScript has no
 * file, so its issues name the template and line 0.
 */
export function problemIssues(template: TaskTemplate, problems: readonly TemplateProblem[]): TemplateIssue[] {
  const origin = originOf(template);
  return problems.map((problem) => {
    const path = problem.code === 'DEPENDENCY_CYCLE' ? cyclePath(template) : problem.path;
    const code: TemplateIssueCode = problem.code;
    if (origin) return origin.issue(path, code, problem.message);
    return { file: templateKey(template), line: 0, column: 0, path, message: problem.message, code };
  });
}
