import { Command } from 'commander';
import { withClient, withConnectionOptions, type ConnectionOptions } from '../connection/open-client.js';
import type { EventJson } from '../connection/tasker-client.js';
import { paint, paintState } from '../format/style.js';
import type { Io } from '../io.js';
import { parseLimit } from '../parse-arguments.js';

interface EventsOptions extends ConnectionOptions {
  follow?: boolean;
  type: string;
  limit?: number;
  json?: boolean;
}

/** An event on one line for a person: time, type, task, step and move. */
function eventLine(event: EventJson, io: Io): string {
  const fields = event as Record<string, unknown>;
  const step = typeof fields.step_name === 'string' ? ` ${fields.step_name}` : '';
  const move = typeof fields.to_state === 'string' ? ` -> ${paintState(io, fields.to_state)}` : '';
  const at = typeof fields.at === 'string' ? fields.at.slice(11, 23) : '';
  return `${at}  ${paint(io, 'bold', event.type)}  ${event.task_id} ${event.namespace}/${event.task_name}${step}${move}\n`;
}

/**
 * `tasker events [--follow] [--type <pattern>]`: the engine's events, one a line (`--json`: one JSON object a line).
 */
export function eventsCommand(io: Io): Command {
  const command = new Command('events')
    .description('print the engine events of every worker (one JSON object a line with --json)')
    .option('--follow', 'keep printing events as they come, until interrupted')
    .option('--type <pattern>', 'an event type or pattern: task.*, step.*, custom.*, step.failed, ...', '*')
    .option('--limit <n>', 'stop after this many events', parseLimit)
    .option('--json', 'print each event as one line of JSON');
  return withConnectionOptions(command).action((options: EventsOptions) =>
    withClient(options, io, async (client) => {
      const stop = new AbortController();
      const interrupted = () => stop.abort();
      process.once('SIGINT', interrupted);
      let printed = 0;
      try {
        await client.readEvents(
          { type: options.type, follow: options.follow === true },
          (event) => {
            if (stop.signal.aborted) return;
            io.out(options.json ? `${JSON.stringify(event)}\n` : eventLine(event, io));
            if (++printed === options.limit) stop.abort();
          },
          stop.signal,
        );
      } finally {
        process.off('SIGINT', interrupted);
      }
    }),
  );
}
