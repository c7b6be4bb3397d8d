import { z } from 'zod';

/** A name of a namespace, template, version, step or other short identifier. */
export const shortText = z.string().min(1).max(200);

/** Free text kept with an action, e.g. why a task was cancelled. */
export const reasonText = z.string().max(2_000);

/** `:taskId` in a path: task ids are UUIDs. */
export const taskParams = z.object({ taskId: z.uuid() });

/** `:taskId/steps/:stepName` in a path. */
export const stepParams = taskParams.extend({ stepName: shortText });

/** An ISO 8601 time with a zone, as milliseconds since the epoch. */
export const isoTimeMs = z.iso.datetime({ offset: true }).transform((value) => Date.parse(value));

/** The template a query narrows to: `namespace`, `task_name`, `version`. */
export const templateQuery = z.object({
  namespace: shortText.optional(),
  task_name: shortText.optional(),
  version: shortText.optional(),
});
