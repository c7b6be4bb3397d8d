import { stringProblem } from '@tasker/core';
import { z } from 'zod';

/**
 * A string a store can keep and compare: no NUL character (PostgreSQL refuses it) and no lone surrogate (not
 * Unicode), by the engine's own rule. Every string of a path, query or body schema is one, so such input is a 400
 * naming the field rather than a driver error.
 */
export const storableText = z.string().superRefine((text, context) => {
  const problem = stringProblem(text);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

/** A name of a namespace, template, version, step or other short identifier. */
export const shortText = storableText.min(1).max(200);

/** Free text kept with an action, e.g. why a task was cancelled. */
export const reasonText = storableText.max(2_000);

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
