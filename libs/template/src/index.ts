/**
 * Task templates written in YAML, the seed's format (`config/tasker/tasks/<namespace>/*.yaml`), turned into
 * validated `TaskTemplate`s of `@tasker/core`.
 *
 * Terminology:
 * - **Template file**: one YAML document with `name`, `namespace_name`, `version`, `task_handler_class`,
 *   `schema` (JSON Schema of the task context), `step_templates` and `environments.<env>.step_templates`.
 * - **Issue**: one mistake in a file, with its file, line, column and key path ({@link TemplateIssue}); loading
 *   and registering report every issue at once and then load or register nothing ({@link TemplateLoadError}).
 * - **Environment**: the name (`TASKER_ENV`, else `NODE_ENV`) whose step overrides are merged over the steps.
 * - **Schedules**: `schedules:` in a template file start its tasks by cron; {@link scheduleTemplates} stores them.
 * - **Version resolver**: how a task request's `version` picks among registered versions ({@link semverResolver}).
 */
export { parseTemplate, defaultEnvironment } from './parse-template.js';
export type { ParseTemplateOptions } from './parse-template.js';
export { loadTemplates } from './load-templates.js';
export type { LoadTemplatesOptions } from './load-templates.js';
export { registerTemplates } from './register-templates.js';
export { scheduleTemplates } from './schedule-templates.js';
export { TemplateLoadError, formatIssue } from './errors/template-load-error.js';
export type { TemplateIssue, TemplateIssueCode } from './errors/template-load-error.js';
export { semverResolver } from './versions/semver-resolver.js';
export { templateGraph } from './graph/template-graph.js';
export type { GraphEdge, GraphNode, StepWeight, TemplateGraph } from './graph/template-graph.js';
