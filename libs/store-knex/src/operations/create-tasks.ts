import type { CreateTaskResult, NewTask, TaskRecord } from '@tasker/core';
import type { Knex } from 'knex';
import { fromRow, quote, rowValues, selectList } from '../rows/column.js';
import { STEP_COLUMNS } from '../rows/step-columns.js';
import { LEASE_COLUMNS, newTaskLease } from '../rows/lease-columns.js';
import { TASK_COLUMNS } from '../rows/task-columns.js';
import { insertRows } from '../sql/insert-rows.js';
import { partsByParameters } from '../sql/parts-by-parameters.js';
import { insertWhere, valuesTable } from '../sql/postgres-fragments.js';
import { runSql } from '../sql/run-sql.js';
import { inChunks, valuesList } from '../sql/values-list.js';
import type { StoreContext } from '../store-context.js';
import type { TableNames } from '../table-names.js';

/** A new task's row: its record and its lease. */
const NEW_TASK_COLUMNS = [...TASK_COLUMNS, ...LEASE_COLUMNS];
const TASK_NAMES = NEW_TASK_COLUMNS.map(({ column }) => quote(column)).join(', ');
const newTaskRow = (request: NewTask) => [...rowValues(request.task, TASK_COLUMNS), ...newTaskLease(request)];
const idempotencyKeyOf = (task: TaskRecord) =>
  task.idempotencyKey === undefined ? undefined : JSON.stringify([task.namespace, task.name, task.idempotencyKey]);

/** Requests cut into parts whose statements stay below the parameter limit: one part unless there are hundreds. */
function partsOf(requests: readonly NewTask[]): NewTask[][] {
  return partsByParameters(requests, ({ steps }) => NEW_TASK_COLUMNS.length + steps.length * STEP_COLUMNS.length);
}

/**
 * Postgres: the tasks of `part` and the steps of those inserted, as one statement (so each task is stored with its
 * steps or not at all, without a transaction). Answers the ids of the tasks inserted.
 */
async function insertOnPostgres(db: Knex, tables: TableNames, part: readonly NewTask[]): Promise<string[]> {
  const tasks = valuesTable(NEW_TASK_COLUMNS, part.map(newTaskRow));
  const selected = NEW_TASK_COLUMNS.map(({ column }) => `v.${quote(column)}`).join(', ');
  const steps = part.flatMap((request) => request.steps);
  const insertSteps =
    steps.length > 0
      ? insertWhere(tables.steps, STEP_COLUMNS, steps, 'v."task_id" IN (SELECT "id" FROM created)')
      : undefined;
  const sql =
    `WITH created AS (INSERT INTO ${quote(tables.tasks)} (${TASK_NAMES}) SELECT ${selected} FROM ${tasks.sql} ON CONFLICT DO NOTHING RETURNING "id")` +
    (insertSteps ? `, steps AS (${insertSteps.sql})` : '') +
    ' SELECT "id" FROM created';
  const rows = await runSql(db, sql, [...tasks.bindings, ...(insertSteps?.bindings ?? [])]);
  return rows.map((row) => String(row.id));
}

/** SQLite: the tasks of `part`, then the steps of those inserted, inside the caller's transaction. */
async function insertOnSqlite(trx: Knex.Transaction, tables: TableNames, part: readonly NewTask[]): Promise<string[]> {
  const sql = `INSERT INTO ${quote(tables.tasks)} (${TASK_NAMES}) VALUES ${valuesList(part.length, NEW_TASK_COLUMNS.length)} ON CONFLICT DO NOTHING RETURNING "id"`;
  const created = new Set((await runSql(trx, sql, part.flatMap(newTaskRow))).map((row) => String(row.id)));
  const steps = part.filter(({ task }) => created.has(task.id)).flatMap((request) => request.steps);
  if (steps.length > 0) await insertRows(trx, tables.steps, STEP_COLUMNS, steps);
  return [...created];
}

/** The stored tasks holding the idempotency keys of `tasks`, by {@link idempotencyKeyOf}. */
async function holdersOfKeys(
  { db, dialect, tables }: StoreContext,
  tasks: readonly TaskRecord[],
): Promise<Map<string, TaskRecord>> {
  const holders = new Map<string, TaskRecord>();
  for (const chunk of inChunks(tasks, 3)) {
    const rows = await runSql(
      db,
      `SELECT ${selectList(dialect, TASK_COLUMNS)} FROM ${quote(tables.tasks)} ` +
        `WHERE ("namespace", "name", "idempotency_key") IN (${valuesList(chunk.length, 3)})`,
      chunk.flatMap((task) => [task.namespace, task.name, task.idempotencyKey]),
    );
    for (const row of rows) {
      const task = fromRow<TaskRecord>(row, TASK_COLUMNS);
      holders.set(idempotencyKeyOf(task)!, task);
    }
  }
  return holders;
}

/**
 * Stores tasks with their steps, each atomically, answering in the order given. A task whose
 * `(namespace, name, idempotencyKey)` is taken, by a stored task or an earlier one of the same call, inserts nothing
 * (`ON CONFLICT DO NOTHING`, which also waits for a concurrent insert of the same key to commit) and answers the
 * task that holds the key.
 *
 * Round trips: on Postgres one statement for any ordinary batch; on SQLite one transaction of two inserts. Only
 * requests whose key was taken cost one more `SELECT`.
 * @throws Error when a task's id is taken (not its key); tasks of the same call may have been stored.
 */
export async function createTasks(context: StoreContext, requests: readonly NewTask[]): Promise<CreateTaskResult[]> {
  if (requests.length === 0) return [];
  const { db, dialect, tables, exclusive } = context;
  const created = new Set<string>();
  if (dialect === 'postgres') {
    for (const part of partsOf(requests)) for (const id of await insertOnPostgres(db, tables, part)) created.add(id);
  } else {
    await exclusive(() =>
      db.transaction(async (trx) => {
        for (const part of partsOf(requests)) for (const id of await insertOnSqlite(trx, tables, part)) created.add(id);
      }),
    );
  }
  const refused = requests.filter(({ task }) => !created.has(task.id)).map(({ task }) => task);
  const holders = refused.length > 0 ? await holdersOfKeys(context, refused) : new Map<string, TaskRecord>();
  return requests.map(({ task }) => {
    if (created.has(task.id)) return { task: structuredClone(task), created: true };
    const key = idempotencyKeyOf(task);
    const holder = key === undefined ? undefined : holders.get(key);
    if (!holder) throw new Error(`@tasker/store-knex: a task with id ${task.id} exists already`);
    return { task: structuredClone(holder), created: false };
  });
}
