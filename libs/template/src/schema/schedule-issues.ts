import { InvalidRequestError, cronTimes, type ContextViolation, type JsonObject } from '@tasker/core';
import type { TemplateIssue } from '../errors/template-load-error.js';
import type { YamlSource } from '../yaml/yaml-source.js';
import type { TemplateDocument } from './template-document.js';

/**
 * What the structure check cannot see in `schedules`: a cron expression or time zone the cron parser refuses, an id
 * given twice, and a context that breaks the template's own context schema (when it has one).
 */
export function scheduleIssues(
  source: YamlSource,
  document: TemplateDocument,
  validateContext: ((context: JsonObject) => ContextViolation[]) | undefined,
): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const seen = new Set<string>();
  (document.schedules ?? []).forEach((schedule, index) => {
    const at = (key: string) => ['schedules', index, key];
    if (seen.has(schedule.id)) issues.push(source.issue(at('id'), 'INVALID_VALUE', `'${schedule.id}' is given twice`));
    seen.add(schedule.id);
    try {
      cronTimes(schedule.cron, schedule.timezone);
    } catch (error) {
      if (!(error instanceof InvalidRequestError)) throw error;
      const message = error.message.slice(error.field.length + ': '.length);
      issues.push(source.issue(at(error.field), 'INVALID_VALUE', message));
    }
    for (const violation of validateContext?.((schedule.context ?? {}) as JsonObject) ?? []) {
      issues.push(source.issue(at('context'), 'INVALID_VALUE', `${violation.path || '(root)'}: ${violation.message}`));
    }
  });
  return issues;
}
