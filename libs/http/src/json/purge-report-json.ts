import type { PurgeReport } from '@tasker/core';
import { isoTime } from './time.js';

/**
 * A purge's report as the API (and `tasker purge --json`, on either transport) shows it: how many tasks went (or
 * would go, on a dry run), by state and by template (`namespace/name@version`), and the oldest and newest finish.
 */
export function purgeReportJson(report: PurgeReport) {
  return {
    dry_run: report.dryRun,
    tasks: report.tasks,
    by_state: { ...report.byState },
    by_template: { ...report.byTemplate },
    oldest_finished_at: isoTime(report.oldestFinishedAt),
    newest_finished_at: isoTime(report.newestFinishedAt),
  };
}
