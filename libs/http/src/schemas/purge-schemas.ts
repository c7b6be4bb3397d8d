import { FINISHED_TASK_STATES } from '@tasker/core';
import { z } from 'zod';
import { shortText } from './common-schemas.js';

/**
 * `POST /tasks/purge`: which finished tasks go. No archival option: the engine's `retention.archive` applies, so
 * that a request never names a directory or table of the server.
 */
export const purgeBody = z
  .strictObject({
    /** Count what would go, delete nothing. */
    dry_run: z.boolean().optional(),
    /** Every task of `states` finished longer ago: `'30d'`, `'12h'` or ms (the engine checks it); the engine's retention
     * policy when absent. */
    older_than: z.union([shortText, z.number()]).optional(),
    /** Only these finished states. */
    states: z.array(z.enum(FINISHED_TASK_STATES)).min(1).max(FINISHED_TASK_STATES.length).optional(),
  })
  .nullish();

/** What a purge answers (`purgeReportJson`). */
export const purgeReportResponse = z.object({
  dry_run: z.boolean(),
  tasks: z.number().int(),
  by_state: z.partialRecord(z.enum(FINISHED_TASK_STATES), z.number().int()),
  by_template: z.record(z.string(), z.number().int()),
  oldest_finished_at: z.iso.datetime().nullable(),
  newest_finished_at: z.iso.datetime().nullable(),
});
