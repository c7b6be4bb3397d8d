import type { Knex } from 'knex';
import { dialectOf } from '../dialect.js';
import type { TableNames } from '../table-names.js';

/**
 * Delayed tasks and schedules. Tasks keep when they were asked to start (`run_at`, from which an unleased one is
 * claimable) and, when a schedule fired them, which one and for what time; schedules get a table of their own, with
 * the next fire time every worker's scheduler compares and sets. Additive: older rows have none of the new columns.
 * (Numbered 008: 007 is left to the store's next migration of another feature.)
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  const json = dialectOf(db) === 'postgres' ? 'jsonb' : 'text';
  await db.schema.alterTable(tables.tasks, (t) => {
    t.bigInteger('run_at');
    t.text('schedule_id');
    t.bigInteger('scheduled_for');
  });
  await db.schema.createTable(tables.schedules, (t) => {
    t.text('id').primary();
    t.text('cron').notNullable();
    t.text('timezone');
    t.specificType('task', json).notNullable();
    t.text('catch_up').notNullable();
    t.text('overlap').notNullable();
    t.bigInteger('next_fire_at').notNullable();
    t.text('last_task_id');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
}

/** Drops what {@link up} added. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.dropTable(tables.schedules);
  await db.schema.alterTable(tables.tasks, (t) => {
    t.dropColumn('run_at');
    t.dropColumn('schedule_id');
    t.dropColumn('scheduled_for');
  });
}
