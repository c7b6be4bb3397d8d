import type { JsonObject } from '../domain/json.js';

/**
 * What happens to the fire times a schedule missed while no worker ran (downtime): `none` skips them, `latest`
 * fires the most recent once, `all` fires each of them, oldest first, up to {@link MAX_CATCH_UP_FIRES}.
 */
export type ScheduleCatchUp = 'none' | 'latest' | 'all';

/** Whether a fire starts a task while the schedule's previous task is unfinished (`allow`) or is skipped (`skip`). */
export type ScheduleOverlap = 'allow' | 'skip';

/** The task a schedule starts at each fire time. */
export interface ScheduledTask {
  namespace: string;
  name: string;
  /** Exact version; the latest registered when the schedule fires when absent. */
  version?: string;
  context: JsonObject;
}

/** A schedule as `Engine.schedule` takes it. */
export interface ScheduleDefinition {
  /** Names the schedule: scheduling the same id again replaces it. */
  id: string;
  /** A cron expression of five fields, or six with seconds first (`0 0 2 * * *`: 02:00:00 every day). */
  cron: string;
  /** The IANA time zone the cron expression is read in (`Europe/Oslo`); UTC when absent. */
  timezone?: string;
  task: ScheduledTask;
  /** After downtime, which missed fire times run: `none` when absent. */
  catchUp?: ScheduleCatchUp;
  /** `allow` when absent. */
  overlap?: ScheduleOverlap;
}

/** A schedule as the store keeps it: its definition, defaults applied, and when it fires next. */
export interface ScheduleRecord extends Required<Omit<ScheduleDefinition, 'timezone'>> {
  timezone?: string;
  /** The next fire time (ms since the epoch): advanced past each fire by a compare-and-set. */
  nextFireAt: number;
  /** The task of the schedule's latest fire, which `overlap: 'skip'` waits on. */
  lastTaskId?: string;
  createdAt: number;
  updatedAt: number;
}

/** What a fire changes in a schedule's record. */
export interface ScheduleAdvance {
  nextFireAt: number;
  lastTaskId?: string;
  updatedAt: number;
}

/** The most missed fire times `catchUp: 'all'` runs at once: older ones are skipped (and logged). */
export const MAX_CATCH_UP_FIRES = 100;

/** The `nextFireAt` of a schedule whose cron expression has no later time: it never fires again. */
export const NEVER_FIRES = Number.MAX_SAFE_INTEGER;
