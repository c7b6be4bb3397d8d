import { TaskerError, type TemplateProblem } from '@tasker/core';

/** What kind of mistake a {@link TemplateIssue} reports. */
export type TemplateIssueCode =
  | TemplateProblem['code']
  | 'YAML_SYNTAX'
  | 'READ_ERROR'
  | 'UNKNOWN_KEY'
  | 'MISSING_KEY'
  | 'INVALID_VALUE'
  | 'INVALID_SCHEMA'
  | 'UNKNOWN_STEP'
  | 'DUPLICATE_TEMPLATE';

/** One mistake in a template file, where a person can find it. */
export interface TemplateIssue {
  /** The file as it was given or found (or the text's name given to `parseTemplate`). */
  file: string;
  /** 1-based line of the offending key or value; 0 when there is none (an unreadable file, a template built in code). */
  line: number;
  /** 1-based column of the offending key or value; 0 when there is no line. */
  column: number;
  /** Path of the key in the YAML document, e.g. `step_templates[2].retry_limit`; `''` for the whole file. */
  path: string;
  message: string;
  code: TemplateIssueCode;
}

/** `file:line:column path: message`, the way compilers print errors, so editors can jump to it. */
export function formatIssue(issue: TemplateIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.path === '' ? `${where} ${issue.message}` : `${where} ${issue.path}: ${issue.message}`;
}

/**
 * Thrown when task templates cannot be loaded or registered: lists every issue of every file, and nothing was
 * loaded or registered.
 *
 * @example
 * try {
 *   registerTemplates(engine, await loadTemplates('config/tasker/tasks'));
 * } catch (error) {
 *   if (error instanceof TemplateLoadError) for (const issue of error.issues) console.error(formatIssue(issue));
 *   throw error;
 * }
 */
export class TemplateLoadError extends TaskerError {
  readonly issues: TemplateIssue[];

  constructor(issues: TemplateIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(
      'INVALID_TEMPLATE',
      `Task templates are invalid (${count}):\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`,
    );
    this.issues = issues;
  }
}
