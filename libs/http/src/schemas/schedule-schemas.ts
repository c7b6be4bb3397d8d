import { z } from 'zod';
import { shortText } from './common-schemas.js';

/** `:scheduleId` in a path. */
export const scheduleParams = z.object({ scheduleId: shortText });

/**
 * `PUT /schedules/:scheduleId`: the schedule, replacing any of that id. The cron expression and time zone are
 * checked by the engine's parser, the task's context against its template.
 */
export const putScheduleBody = z.strictObject({
  /** Five fields, or six with seconds first. */
  cron: shortText,
  /** IANA time zone; UTC when absent. */
  timezone: shortText.optional(),
  task: z.strictObject({
    namespace: shortText,
    name: shortText,
    version: shortText.optional(),
    /** Checked deeply by the engine, as a task request's context is. */
    context: z.record(z.string(), z.unknown()),
  }),
  catch_up: z.enum(['none', 'latest', 'all']).optional(),
  overlap: z.enum(['allow', 'skip']).optional(),
});

const time = z.iso.datetime();

/** A schedule as the API shows it. */
export const scheduleResponse = z.object({
  id: z.string(),
  cron: z.string(),
  timezone: z.string().nullable(),
  task: z.object({
    namespace: z.string(),
    name: z.string(),
    version: z.string().nullable(),
    context: z.record(z.string(), z.json()),
  }),
  catch_up: z.enum(['none', 'latest', 'all']),
  overlap: z.enum(['allow', 'skip']),
  next_fire_at: time.nullable(),
  last_task_id: z.string().nullable(),
  created_at: time,
  updated_at: time,
});
