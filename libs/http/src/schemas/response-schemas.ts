import { STEP_ITEM_STATES, STEP_STATES, TASK_STATES } from '@tasker/core';
import { z } from 'zod';
import { API_ERROR_STATUS, type ApiErrorCode } from '../errors/api-error-codes.js';

/** A time as the API shows it: ISO 8601 in UTC, or `null` when unset. */
const time = z.iso.datetime().nullable();

/** Every error answer: `{ error: { code, message, fields? } }`. */
export const errorResponse = z.object({
  error: z.object({
    code: z.enum(Object.keys(API_ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]]),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    request_id: z.string().optional(),
  }),
});

/** How many items of a map step are in each state. */
export const itemCountsResponse = z.object({
  total: z.number().int(),
  in_progress: z.number().int(),
  waiting_for_retry: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
});

/** A step as the API shows it (the seed's `workflow_steps[]` entries). */
export const stepResponse = z.object({
  name: z.string(),
  handler: z.string(),
  depends_on: z.array(z.string()),
  dependent_system: z.string().nullable(),
  current_state: z.enum(STEP_STATES),
  attempts: z.number().int(),
  attempts_left: z.number().int(),
  retryable: z.boolean(),
  retry_limit: z.number().int(),
  timeout_ms: z.number().nullable(),
  results: z.json().nullable(),
  error_message: z.string().nullable(),
  error_code: z.string().nullable(),
  /** The stack of the Error the step's handler threw last, when it threw one. */
  error_stack: z.string().nullable(),
  started_at: time,
  completed_at: time,
  duration_ms: z.number().nullable(),
  next_retry_at: time,
  /** What a `waiting` step waits for: a signal (by `until` at the latest when it has a timeout), or a time. */
  waiting_for: z.object({ signal: z.string().nullable(), until: time }).nullable(),
  /** A map step's items by state and in all (`GET .../steps/:stepName/items` lists them); null for other steps. */
  items: itemCountsResponse.nullable(),
});

/** One item of a map step. */
export const stepItemResponse = z.object({
  index: z.number().int(),
  current_state: z.enum(STEP_ITEM_STATES),
  attempts: z.number().int(),
  results: z.json().nullable(),
  error_message: z.string().nullable(),
  error_code: z.string().nullable(),
  updated_at: time,
});

/** A task as lists show it. */
export const taskSummaryResponse = z.object({
  task_id: z.uuid(),
  namespace: z.string(),
  name: z.string(),
  version: z.string(),
  current_state: z.enum(TASK_STATES),
  correlation_id: z.string(),
  idempotency_key: z.string().nullable(),
  initiator: z.string().nullable(),
  source_system: z.string().nullable(),
  reason: z.string().nullable(),
  tags: z.array(z.string()),
  error_message: z.string().nullable(),
  run_at: time,
  /** When the task fails with DEADLINE_EXCEEDED unless finished; null without a deadline. */
  deadline_at: time,
  priority: z.number().int(),
  schedule_id: z.string().nullable(),
  scheduled_for: time,
  created_at: time,
  updated_at: time,
  started_at: time,
  completed_at: time,
  duration_ms: z.number().nullable(),
});

/** A task with its context, steps, annotations and history. */
export const taskResponse = taskSummaryResponse.extend({
  /** The task's trace (W3C trace id, 32 hex digits), when it has one. */
  trace_id: z.string().nullable(),
  context: z.record(z.string(), z.json()),
  workflow_steps: z.array(stepResponse),
  annotations: z.array(z.object({ annotation_type: z.string(), content: z.json(), created_at: time })),
  history: z.array(
    z.object({
      step_name: z.string().nullable(),
      from_state: z.string(),
      to_state: z.string(),
      attempt: z.number().int().nullable(),
      error_message: z.string().nullable(),
      error_code: z.string().nullable(),
      error_stack: z.string().nullable(),
      by: z.string(),
      reason: z.string().nullable(),
      at: time,
    }),
  ),
});

/** What `POST /tasks` answers. */
export const createdTaskResponse = z.object({
  task_id: z.uuid(),
  current_state: z.enum(TASK_STATES),
  correlation_id: z.string(),
  created: z.boolean(),
  links: z.object({ self: z.string() }),
});

/** The error answers a route can give, for its OpenAPI description. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorResponse> {
  return Object.fromEntries(statuses.map((status) => [status, errorResponse]));
}
