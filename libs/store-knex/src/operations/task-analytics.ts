import {
  COMMON_ERROR_RANKS,
  type ActivityFilter,
  type ErrorCount,
  type StepFigures,
  type TaskFigures,
  type TaskState,
} from '@tasker/core';
import { quote } from '../rows/column.js';
import { TASK_DURATIONS } from '../rollups/rollup-upserts.js';
import { rollupWindow } from '../rollups/rollup-window.js';
import { durationFiguresOf, histogramAggregateSql, numberOf } from '../sql/duration-aggregates.js';
import { runSql, type Row } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/** A key of a row's columns, to match the rows of several statements. */
const keyOf = (row: Row, columns: readonly string[]) => JSON.stringify(columns.map((column) => row[column]));

/** Rows by their key of `columns`. */
function byKey(rows: readonly Row[], columns: readonly string[]): Map<string, Row> {
  return new Map(rows.map((row) => [keyOf(row, columns), row]));
}

/**
 * The figures of the filter's histograms of task durations (`tasks: true`) or step durations, grouped by `groups`
 * ({@link histogramAggregateSql}), from the hourly duration rollups.
 */
function histogramRows(
  { db, tables }: StoreContext,
  filter: ActivityFilter,
  tasks: boolean,
  groups: readonly string[],
): Promise<Row[]> {
  const { where, bindings } = rollupWindow(filter, true);
  const source =
    'SELECT "namespace" AS namespace, "name" AS name, "version" AS version, "step" AS step, "bucket" AS d, ' +
    `"count" AS c, "total" AS s FROM ${quote(tables.durationRollups)} WHERE ${where} ` +
    `AND "step" ${tasks ? '=' : '<>'} '${TASK_DURATIONS}'`;
  return runSql(db, histogramAggregateSql({ source, groups }), bindings);
}

/**
 * Counts by namespace and state, and completed durations, of the tasks of the filter, from the rollups of the
 * window's minutes (migration 016): two small aggregates whatever the number of tasks.
 */
export async function taskFigures(context: StoreContext, filter: ActivityFilter): Promise<TaskFigures> {
  const { db, tables } = context;
  const { where, bindings } = rollupWindow(filter, false);
  const [stateRows, durationRows] = await Promise.all([
    runSql(
      db,
      `SELECT "namespace" AS namespace, "state" AS state, sum("tasks") AS n FROM ${quote(tables.taskRollups)} ` +
        `WHERE ${where} GROUP BY "namespace", "state" HAVING sum("tasks") > 0`,
      bindings,
    ),
    histogramRows(context, filter, true, []),
  ]);
  return {
    byState: stateRows.map((row) => ({
      namespace: String(row.namespace),
      state: row.state as TaskState,
      count: numberOf(row.n)!,
    })),
    completedDurations: durationFiguresOf(durationRows[0]),
  };
}

/**
 * Per-step and per-template figures of the tasks of the filter, from the rollups of the window's minutes: step
 * counters, step and template histograms, errors ranked per step, and tasks per template version.
 */
export async function stepFigures(context: StoreContext, filter: ActivityFilter): Promise<StepFigures> {
  const { db, tables } = context;
  const { where, bindings } = rollupWindow(filter, false);
  const stepKey = ['namespace', 'name', 'step'];
  const templateKey = ['namespace', 'name', 'version'];
  const [stepRows, stepDurationRows, errorRows, templateRows, templateDurationRows] = await Promise.all([
    runSql(
      db,
      'SELECT "namespace" AS namespace, "name" AS name, "step" AS step, max("system") AS system, ' +
        'sum("executions") AS executions, sum("attempts") AS attempts, sum("retries") AS retries, ' +
        `sum("failures") AS failures FROM ${quote(tables.stepRollups)} WHERE ${where} GROUP BY "namespace", "name", "step"`,
      bindings,
    ),
    histogramRows(context, filter, false, stepKey),
    runSql(
      db,
      'SELECT namespace, name, step, code, message, n FROM (' +
        'SELECT "namespace" AS namespace, "name" AS name, "step" AS step, "code" AS code, "message" AS message, ' +
        'sum("count") AS n, dense_rank() OVER (PARTITION BY "namespace", "name", "step" ORDER BY sum("count") DESC) AS r ' +
        `FROM ${quote(tables.errorRollups)} WHERE ${where} GROUP BY "namespace", "name", "step", "code", "message") AS ranked ` +
        `WHERE r <= ${COMMON_ERROR_RANKS}`,
      bindings,
    ),
    runSql(
      db,
      'SELECT "namespace" AS namespace, "name" AS name, "version" AS version, sum("tasks") AS tasks ' +
        `FROM ${quote(tables.taskRollups)} WHERE ${where} GROUP BY "namespace", "name", "version" HAVING sum("tasks") > 0`,
      bindings,
    ),
    histogramRows(context, filter, true, templateKey),
  ]);
  const errors = new Map<string, ErrorCount[]>();
  for (const row of errorRows) {
    const key = keyOf(row, stepKey);
    const list = errors.get(key) ?? [];
    list.push({ code: String(row.code), message: String(row.message), count: numberOf(row.n)! });
    errors.set(key, list);
  }
  const stepDurations = byKey(stepDurationRows, stepKey);
  const templateDurations = byKey(templateDurationRows, templateKey);
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
      durations: durationFiguresOf(stepDurations.get(keyOf(row, stepKey))),
      commonErrors: errors.get(keyOf(row, stepKey)) ?? [],
    })),
    templates: templateRows.map((row) => ({
      namespace: String(row.namespace),
      name: String(row.name),
      version: String(row.version),
      durations: durationFiguresOf(templateDurations.get(keyOf(row, templateKey))),
    })),
  };
}
