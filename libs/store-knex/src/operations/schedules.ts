import type { ScheduleAdvance, ScheduleRecord } from '@tasker/core';
import { fromRow, quote, rowValues, selectList } from '../rows/column.js';
import { SCHEDULE_COLUMNS } from '../rows/schedule-columns.js';
import { runSql } from '../sql/run-sql.js';
import { valuesList } from '../sql/values-list.js';
import type { StoreContext } from '../store-context.js';

const NAMES = SCHEDULE_COLUMNS.map(({ column }) => quote(column)).join(', ');
const REPLACED = SCHEDULE_COLUMNS.filter(({ column }) => column !== 'id')
  .map(({ column }) => `${quote(column)} = excluded.${quote(column)}`)
  .join(', ');

/** Creates or replaces the schedule of its id, whole (both dialects take `ON CONFLICT ... DO UPDATE`). */
export async function saveSchedule({ tables, exclusive, db }: StoreContext, schedule: ScheduleRecord): Promise<void> {
  await exclusive(() =>
    runSql(
      db,
      `INSERT INTO ${quote(tables.schedules)} (${NAMES}) VALUES ${valuesList(1, SCHEDULE_COLUMNS.length)} ` +
        `ON CONFLICT ("id") DO UPDATE SET ${REPLACED}`,
      rowValues(schedule, SCHEDULE_COLUMNS),
    ),
  );
}

/** The schedules with `id` (one or none), or all of them, by id. */
async function selectSchedules({ db, dialect, tables }: StoreContext, id?: string): Promise<ScheduleRecord[]> {
  const rows = await runSql(
    db,
    `SELECT ${selectList(dialect, SCHEDULE_COLUMNS)} FROM ${quote(tables.schedules)}` +
      (id === undefined ? '' : ' WHERE "id" = ?') +
      ' ORDER BY "id"',
    id === undefined ? [] : [id],
  );
  return rows.map((row) => fromRow<ScheduleRecord>(row, SCHEDULE_COLUMNS));
}

export async function getSchedule(context: StoreContext, id: string): Promise<ScheduleRecord | undefined> {
  return (await selectSchedules(context, id))[0];
}

export function listSchedules(context: StoreContext): Promise<ScheduleRecord[]> {
  return selectSchedules(context);
}

export async function deleteSchedule({ db, tables, exclusive }: StoreContext, id: string): Promise<boolean> {
  // An async function, so that the lock gets a promise: a knex builder runs again each time it is awaited.
  const deleted = await exclusive(async () => db(tables.schedules).where({ id }).delete());
  return deleted > 0;
}

/** The compare-and-set: one `UPDATE ... WHERE next_fire_at = from`, which row locks make one winner of. */
export async function advanceSchedule(
  { db, tables, exclusive }: StoreContext,
  id: string,
  from: number,
  advance: ScheduleAdvance,
): Promise<boolean> {
  const changes: Record<string, unknown> = { next_fire_at: advance.nextFireAt, updated_at: advance.updatedAt };
  if (advance.lastTaskId !== undefined) changes['last_task_id'] = advance.lastTaskId;
  const updated = await exclusive(async () => db(tables.schedules).where({ id, next_fire_at: from }).update(changes));
  return updated > 0;
}
