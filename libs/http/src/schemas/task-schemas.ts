import { TASK_STATES } from '@tasker/core';
import { z } from 'zod';
import { isoTimeMs, reasonText, shortText, storableText } from './common-schemas.js';

/** `POST /tasks`: a task request. */
export const createTaskBody = z.strictObject({
  namespace: shortText,
  name: shortText,
  version: shortText.optional(),
  /** Checked deeply by the engine (JSON every store keeps, depth and size caps), which names the offending path. */
  context: z.record(z.string(), z.unknown()),
  idempotency_key: shortText.optional(),
  /** The `X-Correlation-ID` header wins over this. */
  correlation_id: shortText.optional(),
  initiator: shortText.optional(),
  source_system: shortText.optional(),
  reason: reasonText.optional(),
  tags: z.array(shortText).max(50).optional(),
  /** Names of `skippable` steps to bypass: they end `skipped`; the engine refuses any other name (400). */
  bypass_steps: z.array(shortText).max(100).optional(),
  /** When the task may start (ISO 8601 with a zone): stored at once, started by any worker when due. */
  run_at: isoTimeMs.optional(),
  /** How long the task may take, counted from when it is due; overrides its template's `deadline_ms`. */
  deadline_ms: z
    .int('must be a whole number of milliseconds')
    .positive('must be 1 or more (milliseconds)')
    .max(Number.MAX_SAFE_INTEGER, 'must be a whole number of milliseconds')
    .optional(),
  /** How soon a worker claims it among the waiting tasks (0 to 1000, the template's when absent); the engine checks it. */
  priority: z.number().optional(),
});

/** `GET /tasks`: filters and a page. `state` is one state or several, comma-separated. */
export const listTasksQuery = z.strictObject({
  state: z
    .string()
    .transform((value) => value.split(','))
    .pipe(z.array(z.enum(TASK_STATES)).min(1))
    .optional(),
  namespace: shortText.optional(),
  name: shortText.optional(),
  version: shortText.optional(),
  correlation_id: shortText.optional(),
  annotation_type: shortText.optional(),
  created_from: isoTimeMs.optional(),
  created_to: isoTimeMs.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: storableText.min(1).max(500).optional(),
});

/** `POST /tasks/:id/retry|cancel`: why, for the task's history (the body may be left out). */
export const actionBody = z.strictObject({ reason: reasonText.optional() }).nullish();

/** `POST /tasks/:id/steps/:name/resolve`: the step's results, which its dependants read. */
export const resolveStepBody = z.strictObject({
  /** Checked deeply by the engine, as a context is. */
  results: z.unknown(),
  reason: reasonText.optional(),
});

/** Which items of a map step to list: `limit` (1 to 1000, 100 when absent) from position `offset`. */
export const stepItemsQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).optional(),
});
