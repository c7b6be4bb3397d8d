import {
  decodeTaskCursor,
  encodeTaskCursor,
  pageSize,
  type TaskFilter,
  type TaskPage,
  type TaskRecord,
} from '@tasker/core';
import { fromRow, quote, selectList } from '../rows/column.js';
import { TASK_COLUMNS } from '../rows/task-columns.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';

/** `column = ?` conditions of the filter fields that match one column exactly. */
const EXACT_FILTERS = [
  ['namespace', 'namespace'],
  ['name', 'name'],
  ['version', 'version'],
  ['correlationId', 'correlation_id'],
] as const;

/**
 * One page of tasks matching `filter`, newest first by `(created_at, id)`, with the cursor encoding every store
 * shares. One more row than the page is read to know whether a next page exists.
 * @throws InvalidRequestError for a malformed cursor or page size.
 */
export async function listTasks({ db, dialect, tables }: StoreContext, filter: TaskFilter = {}): Promise<TaskPage> {
  const limit = pageSize(filter.limit);
  const after = filter.cursor === undefined ? undefined : decodeTaskCursor(filter.cursor);
  const conditions: string[] = [];
  const bindings: unknown[] = [];
  const where = (condition: string, ...values: unknown[]) => {
    conditions.push(condition);
    bindings.push(...values);
  };
  if (filter.state !== undefined) {
    const states = ([] as string[]).concat(filter.state);
    where(states.length === 0 ? 'false' : `t."state" IN (${states.map(() => '?').join(', ')})`, ...states);
  }
  for (const [field, column] of EXACT_FILTERS) {
    const value = filter[field];
    if (value !== undefined) where(`t.${quote(column)} = ?`, value);
  }
  if (filter.createdFrom !== undefined) where('t."created_at" >= ?', filter.createdFrom);
  if (filter.createdTo !== undefined) where('t."created_at" < ?', filter.createdTo);
  if (filter.annotationType !== undefined) {
    where(
      `EXISTS (SELECT 1 FROM ${quote(tables.annotations)} AS a WHERE a."type" = ? AND a."task_id" = t."id")`,
      filter.annotationType,
    );
  }
  if (after) where('(t."created_at", t."id") < (?, ?)', after.createdAt, after.id);
  const sql =
    `SELECT ${selectList(dialect, TASK_COLUMNS)} FROM ${quote(tables.tasks)} AS t ` +
    (conditions.length > 0 ? `WHERE ${conditions.join(' AND ')} ` : '') +
    `ORDER BY t."created_at" DESC, t."id" DESC LIMIT ${limit + 1}`;
  const rows = await runSql(db, sql, bindings);
  const tasks = rows.slice(0, limit).map((row) => fromRow<TaskRecord>(row, TASK_COLUMNS));
  const last = tasks.at(-1);
  return rows.length > limit && last ? { tasks, nextCursor: encodeTaskCursor(last) } : { tasks };
}
