import {
  COMMON_ERROR_RANKS,
  type ActivityFilter,
  type ErrorCount,
  type StepFigures,
  type TaskFigures,
  type TaskState,
} from '@tasker/core';
import type { Dialect } from '../dialect.js';
import { quote } from '../rows/column.js';
import { activityWindow } from '../sql/activity-window.js';
import { durationAggregateSql, durationFiguresOf, numberOf } from '../sql/duration-aggregates.js';
import { runSql, type Row } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/** Start to completion of a completed task of the tasks table aliased `t`, null for any other. */
const COMPLETED_DURATION = `CASE WHEN t."state" = 'completed' THEN t."completed_at" - t."started_at" END`;

/**
 * Memory PostgreSQL may give each sort and hash of an analytics statement (the server's default is 4 MB): with it a
 * day of tasks grouped by duration hashes in memory instead of sorting on disk. Set for the statement's own
 * transaction only.
 */
const ANALYTICS_WORK_MEM = '64MB';

/** Runs one analytics statement: on PostgreSQL in a transaction of its own with {@link ANALYTICS_WORK_MEM}. */
function runFigures({ db, dialect }: StoreContext, sql: string, bindings: readonly unknown[]): Promise<Row[]> {
  if (dialect !== 'postgres') return runSql(db, sql, bindings);
  return db.transaction(async (trx) => {
    await trx.raw(`SET LOCAL work_mem = '${ANALYTICS_WORK_MEM}'`);
    return runSql(trx, sql, bindings);
  });
}

/** A field of a JSON column, as text. */
function jsonText(dialect: Dialect, column: string, field: string): string {
  return dialect === 'postgres' ? `${column}->>'${field}'` : `json_extract(${column}, '$.${field}')`;
}

/**
 * Counts by namespace and state, and completed durations, of the tasks of the filter: two aggregate statements
 * over the window's tasks, which migration 014's covering index answers without reading the table.
 */
export async function taskFigures(context: StoreContext, filter: ActivityFilter): Promise<TaskFigures> {
  const { where, bindings } = activityWindow(filter);
  const tasks = quote(context.tables.tasks);
  const [stateRows, durationRows] = await Promise.all([
    runFigures(
      context,
      `SELECT t."namespace" AS namespace, t."state" AS state, count(*) AS n FROM ${tasks} AS t WHERE ${where} ` +
        'GROUP BY t."namespace", t."state"',
      bindings,
    ),
    runFigures(
      context,
      durationAggregateSql({
        source: `SELECT ${COMPLETED_DURATION} AS d FROM ${tasks} AS t WHERE ${where} AND t."state" = 'completed'`,
        groups: [],
      }),
      bindings,
    ),
  ]);
  return {
    byState: stateRows.map((row) => ({
      namespace: String(row.namespace),
      state: row.state as TaskState,
      count: numberOf(row.n)!,
    })),
    completedDurations: durationFiguresOf(durationRows[0]!),
  };
}

/**
 * Per-step and per-template figures of the tasks of the filter: three aggregate statements (steps joined to the
 * window's tasks, grouped by template and step; the errors of failed attempts, ranked per step; the window's tasks
 * grouped by template version).
 */
export async function stepFigures(context: StoreContext, filter: ActivityFilter): Promise<StepFigures> {
  const { dialect, tables } = context;
  const { where, bindings } = activityWindow(filter);
  const tasks = quote(tables.tasks);
  const stepSource =
    'SELECT t."namespace" AS namespace, t."name" AS name, s."name" AS step, s."dependent_system" AS system, ' +
    's."attempts" AS attempts, s."state" AS state, s."duration_ms" AS d ' +
    `FROM ${tasks} AS t JOIN ${quote(tables.steps)} AS s ON s."task_id" = t."id" WHERE ${where}`;
  const errorSource =
    'SELECT t."namespace" AS namespace, t."name" AS name, x."step_name" AS step, ' +
    `${jsonText(dialect, 'x."error"', 'code')} AS code, ${jsonText(dialect, 'x."error"', 'message')} AS message ` +
    `FROM ${tasks} AS t JOIN ${quote(tables.transitions)} AS x ON x."task_id" = t."id" ` +
    `WHERE ${where} AND x."error" IS NOT NULL AND x."step_name" IS NOT NULL`;
  const [stepRows, errorRows, templateRows] = await Promise.all([
    runFigures(
      context,
      durationAggregateSql({
        source: stepSource,
        groups: ['namespace', 'name', 'step'],
        figures: [
          { name: 'system', expression: 'max(system)', combine: 'max' },
          { name: 'executions', expression: 'count(*) FILTER (WHERE attempts > 0)', combine: 'sum' },
          { name: 'attempts', expression: 'sum(attempts)', combine: 'sum' },
          { name: 'retries', expression: 'sum(CASE WHEN attempts > 1 THEN attempts - 1 ELSE 0 END)', combine: 'sum' },
          { name: 'failures', expression: "count(*) FILTER (WHERE state = 'failed')", combine: 'sum' },
        ],
      }),
      bindings,
    ),
    runFigures(
      context,
      'SELECT namespace, name, step, code, message, n FROM (' +
        'SELECT namespace, name, step, code, message, count(*) AS n, ' +
        'dense_rank() OVER (PARTITION BY namespace, name, step ORDER BY count(*) DESC) AS r ' +
        `FROM (${errorSource}) AS errors GROUP BY namespace, name, step, code, message) AS ranked ` +
        `WHERE r <= ${COMMON_ERROR_RANKS}`,
      bindings,
    ),
    runFigures(
      context,
      durationAggregateSql({
        source:
          `SELECT t."namespace" AS namespace, t."name" AS name, t."version" AS version, ${COMPLETED_DURATION} AS d ` +
          `FROM ${tasks} AS t WHERE ${where}`,
        groups: ['namespace', 'name', 'version'],
        figures: [{ name: 'tasks', expression: 'count(*)', combine: 'sum' }],
      }),
      bindings,
    ),
  ]);
  const errors = new Map<string, ErrorCount[]>();
  for (const row of errorRows) {
    const key = JSON.stringify([row.namespace, row.name, row.step]);
    const list = errors.get(key) ?? [];
    list.push({ code: String(row.code), message: String(row.message), count: numberOf(row.n)! });
    errors.set(key, list);
  }
  return {
    tasks: templateRows.reduce((sum, row) => sum + numberOf(row.tasks)!, 0),
    steps: stepRows.map((row) => ({
      namespace: String(row.namespace),
      name: String(row.name),
      step: String(row.step),
      ...(row.system === null ? {} : { dependentSystem: String(row.system) }),
      executions: numberOf(row.executions)!,
      attempts: numberOf(row.attempts)!,
      retries: numberOf(row.retries)!,
      failures: numberOf(row.failures)!,
      durations: durationFiguresOf(row),
      commonErrors: errors.get(JSON.stringify([row.namespace, row.name, row.step])) ?? [],
    })),
    templates: templateRows.map((row) => ({
      namespace: String(row.namespace),
      name: String(row.name),
      version: String(row.version),
      durations: durationFiguresOf(row),
    })),
  };
}
