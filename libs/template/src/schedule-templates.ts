import { templateKey, type Engine, type ScheduleRecord, type TaskTemplate } from '@tasker/core';
import { TemplateLoadError, type TemplateIssue } from './errors/template-load-error.js';
import { originOf } from './yaml/template-origin.js';

/** An issue at `schedules[index].id` of `template`'s file, or named by the template when it was built in code. */
function idIssue(template: TaskTemplate, index: number, message: string): TemplateIssue {
  const path = ['schedules', index, 'id'];
  const origin = originOf(template);
  if (origin) return origin.source.issue(path, 'INVALID_VALUE', message);
  return { file: templateKey(template), line: 0, column: 0, path: path.join('.'), message, code: 'INVALID_VALUE' };
}

/**
 * Stores the schedules the templates declare (YAML `schedules:`) on the engine's store, each starting tasks of its
 * own template and version. Declaring them again at every start is safe: a schedule whose cron and time zone did not
 * change keeps its place (see `Engine.schedule`). Register the templates first.
 *
 * @throws TemplateLoadError, before storing any, when two templates declare one schedule id.
 * @example
 * registerTemplates(engine, templates);
 * await scheduleTemplates(engine, templates);
 */
export async function scheduleTemplates(engine: Engine, templates: readonly TaskTemplate[]): Promise<ScheduleRecord[]> {
  const owners = new Map<string, string>();
  const issues: TemplateIssue[] = [];
  for (const template of templates) {
    (template.schedules ?? []).forEach((schedule, index) => {
      const owner = owners.get(schedule.id);
      if (owner !== undefined && owner !== templateKey(template))
        issues.push(idIssue(template, index, `schedule '${schedule.id}' is declared by ${owner} too`));
      owners.set(schedule.id, templateKey(template));
    });
  }
  if (issues.length > 0) throw new TemplateLoadError(issues);
  const stored: ScheduleRecord[] = [];
  for (const template of templates) {
    for (const { context, ...schedule } of template.schedules ?? []) {
      const task = { namespace: template.namespace, name: template.name, version: template.version, context };
      stored.push(await engine.schedule({ ...schedule, task }));
    }
  }
  return stored;
}
