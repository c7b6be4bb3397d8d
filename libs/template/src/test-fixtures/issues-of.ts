import { TemplateLoadError, parseTemplate, type ParseTemplateOptions, type TemplateIssue } from '../index.js';

/** The issues `action` was refused with; fails when it was not refused with a TemplateLoadError. */
export async function issuesOf(action: () => unknown): Promise<TemplateIssue[]> {
  try {
    await action();
  } catch (error) {
    if (error instanceof TemplateLoadError) return error.issues;
    throw error;
  }
  throw new Error('expected a TemplateLoadError, but nothing was thrown');
}

/** The issues `parseTemplate(yamlText, options)` is refused with; fails when it parses. */
export function parseIssues(yamlText: string, options?: ParseTemplateOptions): Promise<TemplateIssue[]> {
  return issuesOf(() => parseTemplate(yamlText, options));
}

/** Each issue as `line:column path: message` (or `line:column message` for the whole file), what tests pin down. */
export function brief(issues: readonly TemplateIssue[]): string[] {
  return issues.map(
    (issue) => `${issue.line}:${issue.column} ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`,
  );
}
