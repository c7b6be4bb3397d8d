/** The names of the store's tables, all sharing one prefix so several stores can live in one database. */
export interface TableNames {
  tasks: string;
  steps: string;
  transitions: string;
  annotations: string;
  snapshots: string;
  /** The event log: every engine event, appended with the write that caused it (see `EventLog`). */
  events: string;
  /** The signals sent to tasks, one per task and name (see `TaskSignals`). */
  signals: string;
  /** Where each durable subscriber stands in the event log, and which worker delivers to it. */
  subscribers: string;
  /** Every try of a webhook delivery, the newest kept per webhook. */
  webhookDeliveries: string;
  /** Schedules and their next fire times (see `ScheduleStore`). */
  schedules: string;
  /** Purged tasks archived with `archive: true` (see `TaskRetention`), one JSON row each. */
  archive: string;
  /** The slots of concurrency keys, one row per holder, with its lease's end (see `ConcurrencyLimits`). */
  concurrencySlots: string;
  /** The token buckets of rate limits, one row per key (see `RateLimits`). */
  rateLimits: string;
  /** Map steps' items, one row per task, step and index (see `StepItems`). */
  stepItems: string;
  /** Analytics rollups (migration 016): tasks by creation minute, template version and state. */
  taskRollups: string;
  /** Analytics rollups: executions, attempts, retries and failures by creation minute, template version and step. */
  stepRollups: string;
  /** Analytics rollups: histograms of task and step durations by creation minute, template version and step. */
  durationRollups: string;
  /** Analytics rollups: failed attempts by creation minute, template version, step and error. */
  errorRollups: string;
  /** Ids of committed batches, so that a batch retried after a lost reply is not applied twice (Postgres). */
  batches: string;
  /** knex's record of applied migrations; knex adds `_lock` for its lock table. */
  migrations: string;
}

/** The default prefix of every table name. */
export const DEFAULT_TABLE_PREFIX = 'tasker_';

const PREFIX_PATTERN = /^[a-z_][a-z0-9_]{0,29}$/;

/**
 * Table names for `prefix`.
 * @throws Error when the prefix is not lower-case letters, digits and underscores (at most 30), so that every
 * derived index name stays within Postgres's 63-byte identifiers and no name needs quoting rules to agree.
 */
export function tableNames(prefix: string = DEFAULT_TABLE_PREFIX): TableNames {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `tablePrefix '${prefix}' must be 1 to 30 lower-case letters, digits or underscores, not starting with a digit`,
    );
  }
  return {
    tasks: `${prefix}tasks`,
    steps: `${prefix}steps`,
    transitions: `${prefix}transitions`,
    annotations: `${prefix}annotations`,
    snapshots: `${prefix}snapshots`,
    events: `${prefix}events`,
    signals: `${prefix}signals`,
    subscribers: `${prefix}subscriber_positions`,
    webhookDeliveries: `${prefix}webhook_deliveries`,
    schedules: `${prefix}schedules`,
    archive: `${prefix}archived_tasks`,
    concurrencySlots: `${prefix}concurrency_slots`,
    rateLimits: `${prefix}rate_limits`,
    stepItems: `${prefix}step_items`,
    taskRollups: `${prefix}task_rollups`,
    stepRollups: `${prefix}step_rollups`,
    durationRollups: `${prefix}duration_rollups`,
    errorRollups: `${prefix}error_rollups`,
    batches: `${prefix}batches`,
    migrations: `${prefix}migrations`,
  };
}
