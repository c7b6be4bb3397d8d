import type { TemplateIssue } from '../errors/template-load-error.js';
import type { YamlSource } from '../yaml/yaml-source.js';
import type { TemplateDocument } from './template-document.js';

/**
 * `named_steps` lists the template's steps once more; it must list exactly the names of `step_templates`, so a
 * list that drifted from the steps (a step renamed, added or removed in one place only) is refused rather than
 * left to mislead its reader.
 */
export function namedStepIssues(source: YamlSource, document: TemplateDocument): TemplateIssue[] {
  if (document.named_steps === undefined) return [];
  const steps = new Set(document.step_templates.map((step) => step.name));
  const issues: TemplateIssue[] = [];
  const seen = new Set<string>();
  document.named_steps.forEach((name, index) => {
    const path = ['named_steps', index];
    if (!steps.has(name)) {
      issues.push(source.issue(path, 'UNKNOWN_STEP', `'${name}' is not a step of this template (step_templates)`));
    } else if (seen.has(name)) {
      issues.push(source.issue(path, 'INVALID_VALUE', `'${name}' is listed twice`));
    }
    seen.add(name);
  });
  const missing = [...steps].filter((name) => !seen.has(name));
  if (missing.length > 0) {
    issues.push(source.issue(['named_steps'], 'INVALID_VALUE', `must list every step; missing ${missing.join(', ')}`));
  }
  return issues;
}
