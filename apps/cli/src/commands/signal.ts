import { Command } from 'commander';
import type { JsonValue } from '@tasker/core';
import { withClient, withConnectionOptions, type ConnectionOptions } from '../connection/open-client.js';
import { paint } from '../format/style.js';
import type { Io } from '../io.js';
import { parseJson } from '../parse-arguments.js';
import { writeJson } from './json-output.js';

interface SignalOptions extends ConnectionOptions {
  payload?: JsonValue;
  json?: boolean;
}

/**
 * `tasker signal <task-id> <name> --payload <json|@file>`: sends a signal to a task (approving a review, say). Kept
 * durably: the signal step waiting for it completes with the payload as its result, now or when it is reached.
 */
export function signalCommand(io: Io): Command {
  const command = new Command('signal')
    .description('send a signal to a task: the signal step waiting for it completes with the payload')
    .argument('<task-id>', "the task's id")
    .argument('<name>', "the signal's name, as the task's template declares it")
    .option(
      '--payload <json|@file>',
      "the signal's payload (JSON), the waiting step's result; null when absent",
      parseJson,
    )
    .option('--json', 'print the answer as JSON');
  withConnectionOptions(command).action((taskId: string, name: string, options: SignalOptions) =>
    withClient(options, io, async (client) => {
      const sent = await client.signal(taskId, name, options.payload ?? null);
      if (options.json) writeJson(io, sent);
      else {
        const what = sent.outcome === 'delivered' ? 'a waiting step took it' : 'kept until a step takes it';
        io.out(`signal ${paint(io, 'bold', name)} sent to task ${taskId}: ${what}\n`);
      }
    }),
  );
  return command;
}
