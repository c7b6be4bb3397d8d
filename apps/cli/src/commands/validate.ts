import { Command } from 'commander';
import { createEngine } from '@tasker/core';
import { formatIssue, TemplateLoadError, type TemplateIssue } from '@tasker/template';
import { CliError } from '../cli-error.js';
import { loadWithStandIns } from '../connection/template-stand-ins.js';
import { paint } from '../format/style.js';
import type { Io } from '../io.js';
import { writeJson } from './json-output.js';

/**
 * `tasker validate <path...>`: checks YAML task templates (files, or folders searched for `*.yaml`) as an engine
 * would register them, but for their handlers, which live in the workers' code. Prints each problem as
 * `file:line:column path: message` and fails when there is any.
 */
export function validateCommand(io: Io): Command {
  return new Command('validate')
    .description('check YAML task templates; each problem as file:line:column')
    .argument('<path...>', 'template files, or folders of them')
    .option('--json', 'print the problems as JSON')
    .action(async (paths: string[], options: { json?: boolean }) => {
      const engine = createEngine({ operatorOnly: true });
      let issues: TemplateIssue[] = [];
      try {
        await loadWithStandIns(engine, paths);
      } catch (error) {
        if (!(error instanceof TemplateLoadError)) throw error;
        issues = error.issues;
      }
      const templates = engine.catalog.listTemplates();
      if (options.json) writeJson(io, { valid: issues.length === 0, templates: templates.length, issues });
      else if (issues.length === 0) {
        io.out(`${paint(io, 'green', 'ok')}  ${templates.length} template${templates.length === 1 ? '' : 's'}\n`);
      } else {
        io.out(issues.map((issue) => `${paint(io, 'red', 'error')} ${formatIssue(issue)}\n`).join(''));
      }
      if (issues.length > 0) {
        throw new CliError(`${issues.length} problem${issues.length === 1 ? '' : 's'} in the templates`);
      }
    });
}
