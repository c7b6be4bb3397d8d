import type { TaskTemplate } from '../domain/template.js';
import type { TemplateProblem } from '../errors/template-validation-error.js';

/**
 * The problems of a template's decision and deferred steps: a deferred step depends on a decision step (else nothing
 * could ever activate it), and a decision step cannot be bypassed (its deferred dependants would then all run, which
 * no decision chose).
 */
export function decisionProblems(template: TaskTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const bad = (path: string, message: string) => problems.push({ code: 'INVALID_SETTING', path, message });
  const decisions = new Set(template.steps.filter((step) => step.type === 'decision').map((step) => step.name));
  template.steps.forEach((step, index) => {
    const at = `steps[${index}]`;
    if (step.deferred !== undefined && typeof step.deferred !== 'boolean')
      bad(`${at}.deferred`, 'must be true or false');
    if (step.deferred === true && !(step.dependsOn ?? []).some((dependency) => decisions.has(dependency))) {
      bad(`${at}.deferred`, `deferred step '${step.name}' must depend on a decision step, which activates it`);
    }
    if (step.type === 'decision' && step.skippable === true) {
      bad(`${at}.skippable`, `decision step '${step.name}' cannot be bypassed: its deferred steps would all run`);
    }
  });
  return problems;
}
