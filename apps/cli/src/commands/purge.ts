import { Command } from 'commander';
import { FINISHED_TASK_STATES, InvalidRequestError, type FinishedTaskState } from '@tasker/core';
import { UsageError } from '../cli-error.js';
import { withClient, withConnectionOptions, type ConnectionOptions } from '../connection/open-client.js';
import type { PurgeQuery, PurgeReportJson } from '../connection/tasker-client.js';
import { table } from '../format/table.js';
import type { Io } from '../io.js';
import { writeJson } from './json-output.js';

interface PurgeOptions extends ConnectionOptions {
  olderThan?: string;
  state?: string[];
  dryRun?: boolean;
  archiveDir?: string;
  archiveTable?: boolean;
  json?: boolean;
}

/**
 * `tasker purge --older-than 30d`: deletes finished tasks (with their steps, history, annotations, signals and
 * events) in small batches, through a store (archiving them first when asked) or a running API
 * (`POST /tasks/purge`, archived as its engine says); `--dry-run` only counts them.
 */
export function purgeCommand(io: Io): Command {
  const command = new Command('purge')
    .description('delete finished tasks older than an age, in small batches; --dry-run counts what would go')
    .option(
      '--older-than <duration>',
      "only tasks finished longer ago than this: '30d', '12h', '45m', ms (over --api, the server's retention " +
        'policy when absent)',
    )
    .option(
      '--state <state...>',
      `only these finished states (${FINISHED_TASK_STATES.join(', ')}); all but compensation_failed when absent`,
    )
    .option('--dry-run', 'count the tasks that would go, by state and template, and delete nothing')
    .option('--archive-dir <dir>', 'with --store: write each task to a JSON Lines file of this directory first')
    .option('--archive-table', "with --store: copy each task into the store's archive table (PostgreSQL, SQLite)")
    .option('--json', 'print the report as JSON');
  return withConnectionOptions(command).action((options: PurgeOptions) =>
    withClient(options, io, async (client) => {
      const report = await client.purge(purgeQuery(options)).catch((error: unknown) => {
        // A bad age or state is the command line's fault.
        throw error instanceof InvalidRequestError ? new UsageError(flagged(error.message)) : error;
      });
      if (options.json) return writeJson(io, report);
      io.out(summary(report));
    }),
  );
}

/** The purge the flags ask for. */
function purgeQuery(options: PurgeOptions): PurgeQuery {
  const { olderThan, state, archiveDir, archiveTable } = options;
  const archive = {
    ...(archiveTable ? { table: true } : {}),
    ...(archiveDir === undefined ? {} : { directory: archiveDir }),
  };
  return {
    dryRun: options.dryRun ?? false,
    ...(olderThan === undefined ? {} : { olderThan: /^\d+$/.test(olderThan) ? Number(olderThan) : olderThan }),
    ...(state ? { states: state as FinishedTaskState[] } : {}),
    ...(Object.keys(archive).length === 0 ? {} : { archive }),
  };
}

/** The engine's field names as the command's flags. */
function flagged(message: string): string {
  return message
    .replace(/^olderThan:/, '--older-than:')
    .replace(/^states\[\d+\]:/, '--state:')
    .replace(/^archive\.table:/, '--archive-table:')
    .replace(/^archive\.directory:/, '--archive-dir:');
}

/** What went (or would go): how many, finished when, by state and by template. */
function summary(report: PurgeReportJson): string {
  const verb = report.dry_run ? 'would purge' : 'purged';
  if (report.tasks === 0) return `${verb} no task\n`;
  const counts = (rows: Record<string, number | undefined>) =>
    Object.entries(rows)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, count]) => [key, String(count)]);
  return (
    `${verb} ${report.tasks} task${report.tasks === 1 ? '' : 's'}, finished ` +
    `${report.oldest_finished_at ?? '-'} (oldest) to ${report.newest_finished_at ?? '-'} (newest)\n\n` +
    table(['STATE', 'TASKS'], counts(report.by_state)) +
    '\n' +
    table(['TEMPLATE', 'TASKS'], counts(report.by_template))
  );
}
