import { TaskHandler, type Engine, type TaskTemplate } from '@tasker/core';
import { loadTemplates, registerTemplates } from '@tasker/template';
import { CliError } from '../cli-error.js';

/** Stands for a step or compensation handler the CLI cannot run: an operator-only engine never calls it. */
function standInHandler(): never {
  throw new CliError('the tasker CLI runs no handler');
}

/** Stands for a task handler, whose hooks only a worker with the real code can run. */
class StandInTaskHandler extends TaskHandler {}

/**
 * Registers templates on an engine that has none of their code: every handler they name is registered as a stand-in
 * first (task handlers as task handlers, the others as plain functions, which may serve as steps or compensations),
 * so that the templates are checked for everything but their handlers' existence: dependencies, cycles, settings.
 * @throws TemplateLoadError naming the file, line and column of each problem.
 */
export function registerWithStandIns(engine: Engine, templates: readonly TaskTemplate[]): void {
  const named = (name: string) => engine.catalog.kindOf(name) !== undefined;
  for (const template of templates) {
    if (template.taskHandler !== undefined && !named(template.taskHandler)) {
      engine.registerHandler(template.taskHandler, new StandInTaskHandler());
    }
  }
  for (const template of templates) {
    for (const step of template.steps) {
      for (const handler of [step.handler, step.compensate?.handler]) {
        if (handler !== undefined && !named(handler)) engine.registerHandler(handler, standInHandler);
      }
    }
  }
  registerTemplates(engine, templates);
}

/** Loads the YAML templates of `paths` (files or folders) and registers them with stand-in handlers. */
export async function loadWithStandIns(engine: Engine, paths: string | readonly string[]): Promise<void> {
  registerWithStandIns(engine, await loadTemplates(paths));
}
