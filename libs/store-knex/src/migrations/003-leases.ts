import type { Knex } from 'knex';
import type { TableNames } from '../table-names.js';

/**
 * Leases: which worker holds a task, its fencing token, and when the task is claimable — the
 * lease's expiry while held, the wake-up time while free (a passivated task's; its creation time otherwise), NULL
 * once the task is finished. One partial index in claim order serves every claim. Unfinished tasks stored before
 * this migration become claimable at once.
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.alterTable(tables.tasks, (t) => {
    t.text('lease_owner');
    t.integer('lease_token').notNullable().defaultTo(0);
    t.bigInteger('claimable_at');
  });
  await db.raw(
    `CREATE INDEX "${tables.tasks}_claimable" ON "${tables.tasks}" (claimable_at, created_at, id) ` +
      'WHERE claimable_at IS NOT NULL',
  );
  await db(tables.tasks)
    .whereIn('state', ['pending', 'in_progress'])
    .update({ claimable_at: db.ref('created_at') });
}

/** Drops what {@link up} added. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  await db.raw(`DROP INDEX IF EXISTS "${tables.tasks}_claimable"`);
  await db.schema.alterTable(tables.tasks, (t) => {
    t.dropColumn('lease_owner');
    t.dropColumn('lease_token');
    t.dropColumn('claimable_at');
  });
}
