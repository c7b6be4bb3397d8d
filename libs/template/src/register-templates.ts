import {
  TemplateValidationError,
  templateKey,
  validateTemplate,
  type Engine,
  type HandlerKind,
  type TaskTemplate,
  type TemplateProblem,
} from '@tasker/core';
import { TemplateLoadError, type TemplateIssue } from './errors/template-load-error.js';
import { problemIssues } from './graph/problem-issues.js';
import { sortIssues } from './parse-template.js';
import { didYouMean } from './schema/suggest.js';
import { originOf } from './yaml/template-origin.js';

/** The handler name a core UNKNOWN_HANDLER problem is about, and the kind it must be registered as. */
function unknownHandler(
  template: TaskTemplate,
  problem: TemplateProblem,
): { name: string; kind: HandlerKind } | undefined {
  if (problem.path === 'taskHandler' && template.taskHandler !== undefined)
    return { name: template.taskHandler, kind: 'task' };
  const compensated = /^steps\[(\d+)\]\.compensate\.handler$/.exec(problem.path)?.[1];
  const compensation = compensated === undefined ? undefined : template.steps[Number(compensated)]?.compensate;
  if (compensation) return { name: compensation.handler, kind: 'compensation' };
  const index = /^steps\[(\d+)\]\.handler$/.exec(problem.path)?.[1];
  const step = index === undefined ? undefined : template.steps[Number(index)];
  return step?.handler === undefined ? undefined : { name: step.handler, kind: 'step' };
}

/**
 * Adds to core's unknown-handler problems what a person needs next: that the name is registered as the other kind
 * of handler, or a guess at the handler meant (`ValidateCartHandlr` -> `ValidateCartHandler`).
 */
function withHandlerHints(engine: Engine, template: TaskTemplate, problems: TemplateProblem[]): TemplateProblem[] {
  return problems.map((problem) => {
    const handler = problem.code === 'UNKNOWN_HANDLER' ? unknownHandler(template, problem) : undefined;
    if (!handler) return problem;
    const registeredAs = engine.catalog.kindOf(handler.name);
    // Core already says so for a step handler named as the task handler.
    if (registeredAs === 'task')
      return { ...problem, message: `${problem.message}; it is registered as a task handler` };
    if (registeredAs !== undefined) return problem;
    const candidates = engine.catalog
      .listHandlers()
      .filter((entry) => entry.kind === handler.kind)
      .map((entry) => entry.name);
    return { ...problem, message: `${problem.message}${didYouMean(handler.name, candidates)}` };
  });
}

function duplicateIssue(template: TaskTemplate, message: string): TemplateIssue {
  const origin = originOf(template);
  if (origin) return origin.source.issue(['version'], 'DUPLICATE_TEMPLATE', message);
  return { file: templateKey(template), line: 0, column: 0, path: 'version', message, code: 'DUPLICATE_TEMPLATE' };
}

/** Every reason a template of `templates` cannot be registered on `engine`, at its YAML position. */
function registrationIssues(engine: Engine, templates: readonly TaskTemplate[]): TemplateIssue[] {
  const taken = new Set(engine.catalog.listTemplates().map(templateKey));
  return templates.flatMap((template) => {
    const key = templateKey(template);
    const duplicate = taken.has(key) ? [duplicateIssue(template, `${key} is registered already`)] : [];
    taken.add(key);
    return [
      ...problemIssues(template, withHandlerHints(engine, template, validateTemplate(template, engine.catalog))),
      ...duplicate,
    ];
  });
}

/**
 * Registers templates on an engine, all or none: each is checked against the engine's handlers (every
 * `handler_class` and `task_handler_class` must be registered, with the right kind) and its registered
 * templates first, and the error names the YAML file and line of each problem. Register handlers first.
 *
 * @throws TemplateLoadError listing every problem of every template; then none was registered.
 * @example
 * engine.registerHandler('Ecommerce::StepHandlers::ValidateCartHandler', ValidateCart);
 * registerTemplates(engine, await loadTemplates('config/tasker/tasks'));
 */
export function registerTemplates(engine: Engine, templates: readonly TaskTemplate[]): void {
  const issues = registrationIssues(engine, templates);
  if (issues.length > 0) throw new TemplateLoadError(sortIssues(issues));
  for (const template of templates) {
    try {
      engine.registerTemplate(template);
    } catch (error) {
      // Reached only if the engine's rules outgrow validateTemplate; still report them at the YAML lines.
      if (error instanceof TemplateValidationError)
        throw new TemplateLoadError(problemIssues(template, error.problems));
      throw error;
    }
  }
}
