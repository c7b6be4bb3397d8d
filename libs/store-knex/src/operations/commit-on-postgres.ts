import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { NotFoundError, type CommitResult, type TaskWrite } from '@tasker/core';
import { quote } from '../rows/column.js';
import {
  ANNOTATION_COLUMNS,
  EVENT_COLUMNS,
  SNAPSHOT_COLUMNS,
  TRANSITION_COLUMNS,
  eventRows,
} from '../rows/history-columns.js';
import { ITEM_COLUMNS, ITEM_UPSERT } from '../rows/item-columns.js';
import { STEP_KEY, STEP_PATCH_COLUMNS } from '../rows/step-columns.js';
import { taskChangesOf } from '../rows/lease-columns.js';
import { TASK_KEY } from '../rows/task-columns.js';
import { amongIds, idsParameter } from '../sql/among-ids.js';
import { partsByParameters } from '../sql/parts-by-parameters.js';
import { insertWhere, updateWhere, type Fragment } from '../sql/postgres-fragments.js';
import { changesOf, groupByChangedColumns, type RowUpdate } from '../sql/row-update.js';
import { runSql } from '../sql/run-sql.js';
import type { StoreContext } from '../store-context.js';
import type { TableNames } from '../table-names.js';

/**
 * Every change of the statement is conditioned on this: all tasks of the batch exist, and the batch's id was not
 * recorded before (it is recorded only under the first condition); and on the row's task being `unfenced`.
 */
const FIRST_APPLICATION = 'EXISTS (SELECT 1 FROM batch_new)';
const unfenced = (taskIdColumn: string) => `${FIRST_APPLICATION} AND ${taskIdColumn} IN (SELECT "id" FROM unfenced)`;

/** How long batch ids are kept: a retry of a batch whose reply was lost comes within seconds, or minutes. */
const BATCH_ID_RETENTION_MS = 24 * 60 * 60 * 1_000;

/** One batch in this many also deletes expired batch ids, so the table stays small without a timer. */
const PRUNE_EVERY = 1_000;

/**
 * The whole batch as ONE statement of data-modifying CTEs: one `UPDATE` of task rows and one of step rows per set
 * of patched fields, one `INSERT` of all transitions, one of all annotations, one upsert of all map items and one of all snapshots. A single
 * statement is atomic on its own, so the batch costs one round trip and one WAL flush, with no `BEGIN`/`COMMIT`.
 *
 * The CTEs all see the database as it was before the statement, so none may depend on another's effect: writes
 * are one per task (see `commitWrites`), and each row is changed at most once. The first CTE checks that every
 * task of the batch exists; the second records the batch's id if so, and finds it recorded already when a retry
 * follows a commit whose reply was lost. Every change is conditioned on the second, so a batch with an unknown
 * task changes nothing, and neither does a batch applied before.
 *
 * Fencing is in the statement too: `unfenced` locks the batch's task rows whose lease token is the writes' (or that
 * carry none) `FOR UPDATE`, and every change is limited to those tasks. A claim that raised a token first makes its
 * row fail the check (the lock waits for the claim and re-reads the row); a claim that comes later waits for this
 * statement. The others' writes are dropped and reported as fenced. The rows are locked in id order, so two batches
 * that share tasks (a fenced writer's and the new owner's) wait for each other rather than deadlock; the longer
 * they are held (the rollup triggers run before the commit), the likelier that was.
 */
function batchStatement(tables: TableNames, batch: readonly TaskWrite[], batchId: string): Fragment {
  const now = Date.now();
  const parts: Fragment[] = [
    {
      sql: `batch_ok AS (SELECT count(*) = CAST(? AS integer) AS ok FROM ${quote(tables.tasks)} WHERE ${amongIds('postgres', 'id')})`,
      bindings: [
        batch.length,
        idsParameter(
          'postgres',
          batch.map((write) => write.taskId),
        ),
      ],
    },
    {
      sql:
        `batch_new AS (INSERT INTO ${quote(tables.batches)} ("id", "committed_at") SELECT CAST(? AS text), CAST(? AS bigint) ` +
        'WHERE (SELECT ok FROM batch_ok) ON CONFLICT DO NOTHING RETURNING "id")',
      bindings: [batchId, now],
    },
    {
      sql:
        `unfenced AS (SELECT t."id" FROM ${quote(tables.tasks)} AS t JOIN unnest(CAST(? AS text[]), CAST(? AS integer[])) ` +
        'AS f ("id", "token") ON t."id" = f."id" WHERE f."token" IS NULL OR t."lease_token" = f."token" ' +
        'ORDER BY t."id" FOR UPDATE OF t)',
      bindings: [batch.map((write) => write.taskId), batch.map((write) => write.leaseToken ?? null)],
    },
  ];
  const add = (fragment: Fragment) =>
    parts.push({ sql: `m${parts.length} AS (${fragment.sql})`, bindings: fragment.bindings });

  const taskUpdates: RowUpdate[] = batch.flatMap((write) =>
    write.task ? [{ key: [write.taskId], changes: taskChangesOf(write.task) }] : [],
  );
  for (const group of groupByChangedColumns(taskUpdates))
    add(updateWhere(tables.tasks, TASK_KEY, group, unfenced('t."id"')));
  const stepUpdates: RowUpdate[] = batch.flatMap((write) =>
    (write.steps ?? []).map((patch) => ({
      key: [write.taskId, patch.name],
      changes: changesOf(patch, STEP_PATCH_COLUMNS),
    })),
  );
  for (const group of groupByChangedColumns(stepUpdates))
    add(updateWhere(tables.steps, STEP_KEY, group, unfenced('t."task_id"')));

  const transitions = batch.flatMap((write) => write.transitions ?? []);
  if (transitions.length > 0)
    add(insertWhere(tables.transitions, TRANSITION_COLUMNS, transitions, unfenced('v."task_id"')));
  const annotations = batch.flatMap((write) => write.annotations ?? []);
  if (annotations.length > 0)
    add(insertWhere(tables.annotations, ANNOTATION_COLUMNS, annotations, unfenced('v."task_id"')));
  const items = batch.flatMap((write) => write.items ?? []);
  if (items.length > 0) {
    const upsert = insertWhere(tables.stepItems, ITEM_COLUMNS, items, unfenced('v."task_id"'));
    add({ sql: `${upsert.sql} ${ITEM_UPSERT}`, bindings: upsert.bindings });
  }
  const snapshots = batch.flatMap((write) => (write.snapshot ? [{ taskId: write.taskId, ...write.snapshot }] : []));
  if (snapshots.length > 0) {
    const upsert = insertWhere(tables.snapshots, SNAPSHOT_COLUMNS, snapshots, unfenced('v."task_id"'));
    add({
      sql: `${upsert.sql} ON CONFLICT ("task_id") DO UPDATE SET "machine_version" = excluded."machine_version", "state" = excluded."state"`,
      bindings: upsert.bindings,
    });
  }
  const events = eventRows(batch);
  if (events.length > 0) parts.push(...eventParts(tables, events));
  if (Math.random() * PRUNE_EVERY < 1) {
    add({
      sql: `DELETE FROM ${quote(tables.batches)} WHERE "committed_at" < ?`,
      bindings: [now - BATCH_ID_RETENTION_MS],
    });
  }
  return {
    sql:
      `WITH ${parts.map((part) => part.sql).join(', ')} SELECT (SELECT ok FROM batch_ok) AS ok, ` +
      `EXISTS (SELECT 1 FROM batch_new) AS fresh, ARRAY(SELECT "id" FROM unfenced) AS unfenced` +
      (events.length > 0 ? ', (SELECT count(*) FROM events_notified) AS notified' : ''),
    bindings: parts.flatMap((part) => part.bindings),
  };
}

/**
 * The CTEs that append a batch's events to the log. Ids must increase in commit order, or a reader that read id 11
 * of a batch committed first would skip id 10 of a batch committed after it: `events_lock`, a transaction-level
 * advisory lock taken before the insert draws its ids, serialises the appends of concurrent batches from their
 * insert to their commit. `events_notified` sends one `pg_notify` to the followers of the log, which Postgres
 * delivers on commit; it runs only when events were inserted (none of a fenced write, none of a batch applied
 * before).
 */
function eventParts(tables: TableNames, events: readonly object[]): Fragment[] {
  const insert = insertWhere(
    tables.events,
    EVENT_COLUMNS,
    events,
    `EXISTS (SELECT 1 FROM events_lock) AND ${unfenced('v."task_id"')}`,
  );
  return [
    {
      sql: 'events_lock AS (SELECT pg_advisory_xact_lock(hashtext(CAST(? AS text))))',
      bindings: [`tasker:events:${tables.events}`],
    },
    { sql: `events_added AS (${insert.sql} RETURNING "id")`, bindings: insert.bindings },
    {
      sql: "events_notified AS (SELECT pg_notify(CAST(? AS text), '') FROM (SELECT 1 FROM events_added LIMIT 1) AS added)",
      bindings: [tables.events],
    },
  ];
}

/**
 * An upper bound of the values a write adds to the batch statement: they are bound as arrays, one per column, but
 * a batch is still cut where thousands of rows would make one statement too large to send at once.
 */
function parametersOf(write: TaskWrite): number {
  return (
    2 +
    (write.task ? 1 + Object.keys(write.task).length : 0) +
    (write.steps ?? []).reduce((sum, patch) => sum + 1 + Object.keys(patch).length, 0) +
    (write.transitions?.length ?? 0) * TRANSITION_COLUMNS.length +
    (write.annotations?.length ?? 0) * ANNOTATION_COLUMNS.length +
    (write.items?.length ?? 0) * ITEM_COLUMNS.length +
    (write.snapshot ? SNAPSHOT_COLUMNS.length : 0) +
    (write.events?.length ?? 0) * EVENT_COLUMNS.length
  );
}

async function runPart(
  db: Knex | Knex.Transaction,
  tables: TableNames,
  part: readonly TaskWrite[],
  batchId: string,
): Promise<string[]> {
  const statement = batchStatement(tables, part, batchId);
  const [row] = await runSql(db, statement.sql, statement.bindings);
  if (row?.ok !== true) {
    const ids = part.map((write) => write.taskId);
    const found = new Set(
      (
        await runSql(
          db,
          `SELECT "id" FROM ${quote(tables.tasks)} WHERE "id" IN (${ids.map(() => '?').join(', ')})`,
          ids,
        )
      ).map((found) => String(found.id)),
    );
    const missing = ids.find((id) => !found.has(id)) ?? ids[0];
    throw new NotFoundError('TASK_NOT_FOUND', `No task ${missing} to write to; the batch was not committed`);
  }
  // A batch applied before (its reply lost) changed nothing now: what it fenced then is not known any more.
  if (row.fresh !== true) return [];
  const applied = new Set((row.unfenced as unknown[]).map(String));
  return part.filter((write) => !applied.has(write.taskId)).map((write) => write.taskId);
}

/**
 * Commits a batch (one write per task) on Postgres: one statement, without a transaction around it; only a batch too large for
 * one statement's parameters is cut into several statements inside one transaction. `batchId` (the write queue's,
 * the same on every retry; a fresh one when the caller gives none) makes a retried batch that was committed
 * already a no-op.
 */
export async function commitOnPostgres(
  { db, tables }: StoreContext,
  batch: readonly TaskWrite[],
  batchId: string = randomUUID(),
): Promise<CommitResult> {
  const parts = partsByParameters(batch, parametersOf);
  if (parts.length === 1) return { fenced: await runPart(db, tables, parts[0]!, batchId) };
  const fenced: string[] = [];
  await db.transaction(async (trx) => {
    for (const [index, part] of parts.entries())
      fenced.push(...(await runPart(trx, tables, part, `${batchId}#${index}`)));
  });
  return { fenced };
}
