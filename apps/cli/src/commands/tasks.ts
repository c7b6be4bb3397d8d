import { Command } from 'commander';
import type { TaskState } from '@tasker/core';
import {
  withClient,
  withConnectionOptions,
  withTemplatesOption,
  type ConnectionOptions,
} from '../connection/open-client.js';
import type { TaskerClient, TaskJson } from '../connection/tasker-client.js';
import { taskDetails, taskTable } from '../format/task-view.js';
import type { Io } from '../io.js';
import { parseLimit, parseSince, parseStates } from '../parse-arguments.js';
import { writeJson } from './json-output.js';
import { changes, untilSettled } from './settle.js';

interface ListOptions extends ConnectionOptions {
  state?: TaskState[];
  namespace?: string;
  name?: string;
  since?: number;
  limit?: number;
  json?: boolean;
}

interface ShowOptions extends ConnectionOptions {
  json?: boolean;
}

interface ActionOptions extends ShowOptions {
  reason?: string;
}

/** Prints a task: JSON, or in full for a person. */
function printTask(io: Io, task: TaskJson, json: boolean | undefined): void {
  if (json) writeJson(io, task);
  else io.out(taskDetails(task, io, Date.now()));
}

function listCommand(io: Io): Command {
  const command = new Command('list')
    .description('list tasks, newest first')
    .option('--state <states>', 'only tasks in these states, comma-separated (failed,in_progress)', parseStates)
    .option('--namespace <namespace>', 'only tasks of this namespace')
    .option('--name <name>', 'only tasks of templates of this name')
    .option('--since <when>', 'only tasks created since: a span back (30m, 2h, 7d) or an ISO date', (value) =>
      parseSince(value),
    )
    .option('--limit <n>', 'at most this many tasks (1 to 500; 50 when absent)', parseLimit)
    .option('--json', 'print JSON');
  return withConnectionOptions(command).action((options: ListOptions) =>
    withClient(options, io, async (client) => {
      const tasks = await client.listTasks({
        ...(options.state ? { states: options.state } : {}),
        ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.since === undefined ? {} : { createdFrom: options.since }),
        ...(options.limit === undefined ? {} : { limit: options.limit }),
      });
      if (options.json) writeJson(io, tasks);
      else io.out(taskTable(tasks, io, Date.now()));
    }),
  );
}

function showCommand(io: Io): Command {
  const command = new Command('show')
    .description('show a task: its steps as a tree with states, attempts, durations and last errors')
    .argument('<task-id>', "the task's id")
    .option('--json', 'print JSON (with the history of transitions)');
  return withConnectionOptions(command).action((taskId: string, options: ShowOptions) =>
    withClient(options, io, async (client) => printTask(io, await client.getTask(taskId), options.json)),
  );
}

function watchCommand(io: Io): Command {
  const command = new Command('watch')
    .description('follow a task live, a line per change, until it is finished')
    .argument('<task-id>', "the task's id")
    .option('--json', 'print only the finished task, as JSON');
  return withConnectionOptions(command).action((taskId: string, options: ShowOptions) =>
    withClient(options, io, async (client) => {
      const task = await untilSettled(client, taskId, (reading, previous) => {
        if (options.json) return;
        const time = new Date().toISOString().slice(11, 19);
        for (const line of changes(reading, previous)) io.out(`${time}  ${line}\n`);
      });
      printTask(io, task, options.json);
    }),
  );
}

/** `tasks retry` and `tasks cancel`: one operator action on a task, then the task as it is after it. */
function actionCommand(
  io: Io,
  name: 'retry' | 'cancel',
  description: string,
  act: (client: TaskerClient, taskId: string, reason?: string) => Promise<TaskJson>,
): Command {
  const command = new Command(name)
    .description(description)
    .argument('<task-id>', "the task's id")
    .option('--reason <text>', "why, for the task's history")
    .option('--json', 'print the task after it, as JSON');
  const withOptions = withConnectionOptions(name === 'retry' ? withTemplatesOption(command) : command);
  return withOptions.action((taskId: string, options: ActionOptions) =>
    withClient(options, io, async (client) => printTask(io, await act(client, taskId, options.reason), options.json)),
  );
}

/** `tasker tasks <list|show|watch|retry|cancel>`. */
export function tasksCommand(io: Io): Command {
  return new Command('tasks')
    .description('list, show, watch, retry and cancel tasks')
    .addCommand(listCommand(io))
    .addCommand(showCommand(io))
    .addCommand(watchCommand(io))
    .addCommand(
      actionCommand(io, 'retry', 'run a failed task again (completed steps are kept)', (client, id, reason) =>
        client.retryTask(id, reason),
      ),
    )
    .addCommand(
      actionCommand(io, 'cancel', 'cancel a task (running handlers are aborted)', (client, id, reason) =>
        client.cancelTask(id, reason),
      ),
    );
}
