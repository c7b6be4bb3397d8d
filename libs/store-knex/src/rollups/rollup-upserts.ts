import type { Dialect } from '../dialect.js';
import { quote } from '../rows/column.js';
import { jsonText } from '../sql/json-text.js';
import type { TableNames } from '../table-names.js';
import { durationBucketSql } from './duration-bucket.js';

/** Rollups are kept per minute of the tasks' creation: `created_at / MINUTE_MS`. */
export const MINUTE_MS = 60_000;

/**
 * The spans, in minutes, of the duration histograms' rows: each duration is counted in a row of its minute and in
 * one of its hour (`minute` then the hour's first minute), so that a day's window reads 24 hour rows and the
 * minutes at its ends, not 1,440 minute rows of up to a thousand buckets each. The counters' tables are small
 * enough per minute (a row per state, step or error) to be kept per minute only, which keeps commits cheaper.
 */
export const ROLLUP_SPANS = [1, 60] as const;

/** The key columns that say when a rollup row's tasks were created: the span and its first minute, or the minute. */
export const timeKey = (hourly: boolean): string[] => (hourly ? ['span', 'minute'] : ['minute']);

/** The rollup tables' key columns that say which template version a row is of. */
export const TEMPLATE_KEY = ['namespace', 'name', 'version'] as const;

/** The step name of the duration histogram of the tasks themselves (start to completion of completed tasks). */
export const TASK_DURATIONS = '';

/** The tables whose rows the rollups sum, with the columns they read of each. */
export const ROLLUP_SOURCES = {
  tasks: ['created_at', 'namespace', 'name', 'version', 'state', 'started_at', 'completed_at'],
  steps: ['task_id', 'name', 'state', 'attempts', 'duration_ms', 'dependent_system'],
  transitions: ['task_id', 'step_name', 'error'],
} as const;

/** A table the rollups sum. */
export type RollupSource = keyof typeof ROLLUP_SOURCES;

/**
 * Rows of a source table a change added and removed, each as a `FROM` item: a table, a trigger's transition table,
 * or a one-row subquery of a row trigger's `NEW`/`OLD`. An update removes the row as it was and adds it as it is,
 * so the rollups gain the difference; rows that did not change in what the rollups read cancel out.
 */
export interface RowChange {
  added: string;
  removed?: string;
}

/** One figure summed into a rollup column: the expression per source row (it may read `sign`). */
type Sums = Record<string, string>;

/** An upsert of grouped figures into a rollup table. */
interface RollupUpsert {
  table: string;
  /** The subquery the figures are grouped from; it has the `keys` columns and the tasks' creation `minute`. */
  source: string;
  /** The key columns besides the time key. */
  keys: readonly string[];
  /** Whether the table has rows per hour besides rows per minute (the duration histograms). */
  hourly?: boolean;
  sums: Sums;
  /** Keep groups whose sums are all zero when they hold added rows only: a new step counts even before it runs. */
  keepAdded?: boolean;
  /** The step's dependent system, kept as the greatest one seen. */
  system?: boolean;
}

/**
 * `INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO UPDATE SET n = n + excluded.n`: the figures of `source` added
 * to the rollup rows of their minute (and of their hour when `hourly`). Groups whose sums are all zero are left out, so a write that changes nothing a rollup reads
 * (a lease renewed, a step's results) writes no rollup. Rows are upserted in key order, so two concurrent
 * statements lock the rollup rows they share in one order and cannot deadlock on them.
 */
function upsertSql({
  table,
  source,
  keys,
  sums,
  hourly = false,
  keepAdded = false,
  system = false,
}: RollupUpsert): string {
  const target = quote(table);
  const keyList = [...timeKey(hourly), ...keys].map(quote).join(', ');
  const spans = ROLLUP_SPANS.map((span) => `SELECT ${span} AS span`).join(' UNION ALL ');
  const spanned = hourly
    ? `SELECT spans.span AS "span", src."minute" / spans.span * spans.span AS "start", src.* ` +
      `FROM (${source}) AS src CROSS JOIN (${spans}) AS spans`
    : `SELECT src."minute" AS "start", src.* FROM (${source}) AS src`;
  const groupList = [...(hourly ? ['span'] : []), 'start', ...keys].map(quote).join(', ');
  const sumNames = Object.keys(sums);
  const columns = [...timeKey(hourly), ...keys, ...sumNames, ...(system ? ['system'] : [])].map(quote).join(', ');
  const selected = [
    groupList,
    ...sumNames.map((name) => `sum(${sums[name]}) AS ${quote(name)}`),
    ...(system ? ['max("dependent_system") AS "system"'] : []),
  ].join(', ');
  const changed = [...(keepAdded ? ['min(sign) = 1'] : []), ...sumNames.map((name) => `sum(${sums[name]}) <> 0`)].join(
    ' OR ',
  );
  const updates = [
    ...sumNames.map((name) => `${quote(name)} = ${target}.${quote(name)} + excluded.${quote(name)}`),
    ...(system
      ? [
          `"system" = CASE WHEN excluded."system" IS NULL OR ${target}."system" >= excluded."system" ` +
            `THEN ${target}."system" ELSE excluded."system" END`,
        ]
      : []),
  ].join(', ');
  return (
    `INSERT INTO ${target} (${columns}) SELECT ${selected} FROM (${spanned}) AS spanned GROUP BY ${groupList} ` +
    `HAVING ${changed} ORDER BY ${groupList} ON CONFLICT (${keyList}) DO UPDATE SET ${updates}`
  );
}

/** The added rows with `sign` 1 and the removed ones with `sign` -1, of the named columns. */
function signedRows(change: RowChange, columns: readonly string[]): string {
  const list = columns.map(quote).join(', ');
  const added = `SELECT ${list}, 1 AS sign FROM ${change.added} AS added`;
  return change.removed === undefined
    ? added
    : `${added} UNION ALL SELECT ${list}, -1 AS sign FROM ${change.removed} AS removed`;
}

/** The template key columns of the task aliased `t`. */
const TASK_TEMPLATE = `t."created_at" / ${MINUTE_MS} AS "minute", t."namespace", t."name", t."version"`;

/** Counts by state, and the completed durations, of the changed tasks. */
function taskUpserts(tables: TableNames, change: RowChange): string[] {
  const tasks = `SELECT ${TASK_TEMPLATE}, t."state", t."started_at", t."completed_at", t.sign FROM (${signedRows(change, ROLLUP_SOURCES.tasks)}) AS t`;
  const duration = '"completed_at" - "started_at"';
  return [
    upsertSql({ table: tables.taskRollups, source: tasks, keys: [...TEMPLATE_KEY, 'state'], sums: { tasks: 'sign' } }),
    upsertSql({
      table: tables.durationRollups,
      source:
        `SELECT "minute", "namespace", "name", "version", '${TASK_DURATIONS}' AS "step", ${durationBucketSql(duration)} AS "bucket", ` +
        `sign, ${duration} AS d FROM (${tasks}) AS c ` +
        `WHERE "state" = 'completed' AND "started_at" IS NOT NULL AND "completed_at" IS NOT NULL`,
      keys: [...TEMPLATE_KEY, 'step', 'bucket'],
      sums: { count: 'sign', total: 'sign * d' },
      hourly: true,
    }),
  ];
}

/** Executions, attempts, retries, failures and durations of the changed steps. */
function stepUpserts(tables: TableNames, change: RowChange): string[] {
  const steps =
    `SELECT ${TASK_TEMPLATE}, s."name" AS "step", s."state", s."attempts", s."duration_ms", s."dependent_system", s.sign ` +
    `FROM (${signedRows(change, ROLLUP_SOURCES.steps)}) AS s JOIN ${quote(tables.tasks)} AS t ON t."id" = s."task_id"`;
  return [
    upsertSql({
      table: tables.stepRollups,
      source: steps,
      keys: [...TEMPLATE_KEY, 'step'],
      sums: {
        executions: 'sign * CASE WHEN "attempts" > 0 THEN 1 ELSE 0 END',
        attempts: 'sign * "attempts"',
        retries: 'sign * CASE WHEN "attempts" > 1 THEN "attempts" - 1 ELSE 0 END',
        failures: `sign * CASE WHEN "state" = 'failed' THEN 1 ELSE 0 END`,
      },
      keepAdded: true,
      system: true,
    }),
    upsertSql({
      table: tables.durationRollups,
      source:
        `SELECT "minute", "namespace", "name", "version", "step", ${durationBucketSql('"duration_ms"')} AS "bucket", ` +
        `sign, "duration_ms" AS d FROM (${steps}) AS c WHERE "duration_ms" IS NOT NULL`,
      keys: [...TEMPLATE_KEY, 'step', 'bucket'],
      sums: { count: 'sign', total: 'sign * d' },
      hourly: true,
    }),
  ];
}

/** Failed attempts by error of the added transitions (transitions are only ever added). */
function errorUpserts(dialect: Dialect, tables: TableNames, change: RowChange): string[] {
  const text = (field: string) => `coalesce(${jsonText(dialect, 'x."error"', field)}, '')`;
  return [
    upsertSql({
      table: tables.errorRollups,
      source:
        `SELECT ${TASK_TEMPLATE}, x."step_name" AS "step", ${text('code')} AS "code", ${text('message')} AS "message", x.sign ` +
        `FROM (${signedRows(change, ROLLUP_SOURCES.transitions)}) AS x JOIN ${quote(tables.tasks)} AS t ON t."id" = x."task_id" ` +
        'WHERE x."error" IS NOT NULL AND x."step_name" IS NOT NULL',
      keys: [...TEMPLATE_KEY, 'step', 'code', 'message'],
      sums: { count: 'sign' },
    }),
  ];
}

/**
 * The statements that add a change of `source`'s rows to the rollups: run by the triggers of migration 016 on
 * every insert and update (so in the transaction of the write, and never for a fenced write, which changes no row),
 * and by its backfill with every stored row as added. Deletes (retention purges) do not subtract: the rollups
 * describe what ran.
 */
export function rollupUpserts(dialect: Dialect, tables: TableNames, source: RollupSource, change: RowChange): string[] {
  if (source === 'tasks') return taskUpserts(tables, change);
  if (source === 'steps') return stepUpserts(tables, change);
  return errorUpserts(dialect, tables, change);
}
