import { Command } from 'commander';
import type { JsonValue } from '@tasker/core';
import { withClient, withConnectionOptions, type ConnectionOptions } from '../connection/open-client.js';
import { paint, paintState } from '../format/style.js';
import type { Io } from '../io.js';
import { parseJson } from '../parse-arguments.js';
import { writeJson } from './json-output.js';

interface ResolveOptions extends ConnectionOptions {
  results: JsonValue;
  reason?: string;
  json?: boolean;
}

/** `tasker steps resolve <task-id> <step> --results <json|@file>`: resolves a step by hand. */
export function stepsCommand(io: Io): Command {
  const resolve = new Command('resolve')
    .description('resolve a pending, waiting or failed step by hand with results; its dependants go on')
    .argument('<task-id>', "the task's id")
    .argument('<step>', "the step's name")
    .requiredOption('--results <json|@file>', "the step's results (JSON), which its dependants read", parseJson)
    .option('--reason <text>', "why, for the task's history")
    .option('--json', 'print the step as JSON');
  withConnectionOptions(resolve).action((taskId: string, stepName: string, options: ResolveOptions) =>
    withClient(options, io, async (client) => {
      const step = await client.resolveStep(taskId, stepName, options.results, options.reason);
      if (options.json) writeJson(io, step);
      else io.out(`step ${paint(io, 'bold', step.name)} of task ${taskId} is ${paintState(io, step.current_state)}\n`);
    }),
  );
  return new Command('steps').description("act on a task's steps").addCommand(resolve);
}
