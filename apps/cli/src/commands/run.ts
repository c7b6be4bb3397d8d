import { Command } from 'commander';
import type { JsonObject } from '@tasker/core';
import {
  withClient,
  withConnectionOptions,
  withTemplatesOption,
  type ConnectionOptions,
} from '../connection/open-client.js';
import { taskDetails } from '../format/task-view.js';
import type { Io } from '../io.js';
import { parseJsonObject, parseMilliseconds, parseTemplateRef } from '../parse-arguments.js';
import { writeJson } from './json-output.js';
import { requireSuccess, untilSettled } from './settle.js';

interface RunOptions extends ConnectionOptions {
  context: JsonObject;
  deadlineMs?: number;
  wait?: boolean;
  json?: boolean;
}

/**
 * `tasker run <namespace/name[@range]> --context <json|@file> [--wait]`: creates a task. Through a store it is
 * created for the workers to claim (the CLI runs no handler); `--wait` waits until it is finished and fails unless
 * it completed.
 */
export function runCommand(io: Io): Command {
  const command = new Command('run')
    .description('create a task of a template; workers run it')
    .argument('<template>', 'namespace/name, or namespace/name@version (a semver range too)', parseTemplateRef)
    .requiredOption(
      '--context <json|@file>',
      "the task's context: a JSON object, or @file holding one",
      parseJsonObject,
    )
    .option(
      '--deadline-ms <ms>',
      "how long the task may take (overrides its template's deadline_ms); past it, it fails with DEADLINE_EXCEEDED",
      parseMilliseconds,
    )
    .option('--wait', 'wait until the task is finished; exit 1 unless it completed (or was resolved by hand)')
    .option('--json', 'print JSON');
  return withTemplatesOption(withConnectionOptions(command)).action(
    (template: ReturnType<typeof parseTemplateRef>, options: RunOptions) =>
      withClient(options, io, async (client) => {
        const created = await client.runTask({
          ...template,
          context: options.context,
          ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
        });
        if (!options.wait) {
          if (options.json) writeJson(io, created);
          else io.out(`${created.task_id}\n`);
          return;
        }
        io.err(`task ${created.task_id} created; waiting until it is finished\n`);
        const task = await untilSettled(client, created.task_id);
        if (options.json) writeJson(io, task);
        else io.out(taskDetails(task, io, Date.now()));
        requireSuccess(task);
      }),
  );
}
