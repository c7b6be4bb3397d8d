import type { Knex } from 'knex';
import type { TableNames } from '../table-names.js';

/**
 * Task deadlines: when an unfinished task fails with `DEADLINE_EXCEEDED` (`deadline_at`, ms since the epoch). The
 * engine folds it into a passivated task's wake-up (`claimable_at`), so no index is needed on it. Additive: older rows
 * have no deadline.
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.alterTable(tables.tasks, (t) => {
    t.bigInteger('deadline_at');
  });
}

/** Drops what {@link up} added. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.alterTable(tables.tasks, (t) => {
    t.dropColumn('deadline_at');
  });
}
