import { Command } from 'commander';
import {
  FINISHED_TASK_STATES,
  InvalidRequestError,
  createEngine,
  createStoreFromUrl,
  type FinishedTaskState,
  type PurgeReport,
} from '@tasker/core';
import { UsageError } from '../cli-error.js';
import { table } from '../format/table.js';
import type { Io } from '../io.js';
import { writeJson } from './json-output.js';

interface PurgeOptions {
  store?: string;
  api?: string;
  olderThan?: string;
  state?: string[];
  dryRun?: boolean;
  archiveDir?: string;
  archiveTable?: boolean;
  json?: boolean;
}

/**
 * `tasker purge --store <url> --older-than 30d`: deletes finished tasks (with their steps, history, annotations,
 * signals and events) in small batches, archiving them first when asked; `--dry-run` only counts them.
 */
export function purgeCommand(io: Io): Command {
  return new Command('purge')
    .description('delete finished tasks older than an age, in small batches; --dry-run counts what would go')
    .option('--store <url>', 'the store: postgres://..., redis://..., sqlite:<path> (env TASKER_STORE_URL)')
    .option('--api <url>', 'refused: the REST API does not purge its store')
    .requiredOption('--older-than <duration>', "only tasks finished longer ago than this: '30d', '12h', '45m', ms")
    .option(
      '--state <state...>',
      `only these finished states (${FINISHED_TASK_STATES.join(', ')}); all but compensation_failed when absent`,
    )
    .option('--dry-run', 'count the tasks that would go, by state and template, and delete nothing')
    .option('--archive-dir <dir>', 'write each task to a JSON Lines file of this directory before deleting it')
    .option('--archive-table', "copy each task into the store's archive table as it is deleted (PostgreSQL, SQLite)")
    .option('--json', 'print the report as JSON')
    .action(async (options: PurgeOptions) => {
      if (options.api !== undefined) throw new UsageError('purge needs --store: the REST API does not purge stores');
      const url = options.store ?? (io.env.TASKER_STORE_URL || undefined);
      if (url === undefined) throw new UsageError('purge needs --store <url> or TASKER_STORE_URL');
      const store = await createStoreFromUrl(url);
      try {
        const engine = createEngine({ store, operatorOnly: true });
        const report = await engine
          .purgeFinishedTasks({
            olderThan: /^\d+$/.test(options.olderThan!) ? Number(options.olderThan) : options.olderThan!,
            ...(options.state ? { states: options.state as FinishedTaskState[] } : {}),
            dryRun: options.dryRun ?? false,
            archive: {
              ...(options.archiveTable ? { table: true } : {}),
              ...(options.archiveDir === undefined ? {} : { directory: options.archiveDir }),
            },
          })
          .catch((error: unknown) => {
            // A bad age or state is the command line's fault.
            throw error instanceof InvalidRequestError ? new UsageError(flagged(error.message)) : error;
          });
        if (options.json) return writeJson(io, report);
        io.out(summary(report));
      } finally {
        await store.close();
      }
    });
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
function summary(report: PurgeReport): string {
  const verb = report.dryRun ? 'would purge' : 'purged';
  if (report.tasks === 0) return `${verb} no task\n`;
  const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());
  const counts = (rows: Record<string, number | undefined>) =>
    Object.entries(rows)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, count]) => [key, String(count)]);
  return (
    `${verb} ${report.tasks} task${report.tasks === 1 ? '' : 's'}, finished ` +
    `${iso(report.oldestFinishedAt)} (oldest) to ${iso(report.newestFinishedAt)} (newest)\n\n` +
    table(['STATE', 'TASKS'], counts(report.byState)) +
    '\n' +
    table(['TEMPLATE', 'TASKS'], counts(report.byTemplate))
  );
}
