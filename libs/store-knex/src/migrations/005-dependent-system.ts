import type { Knex } from 'knex';
import type { TableNames } from '../table-names.js';

/**
 * Keeps the outside system each step talks to (its template's `dependentSystem`), so that views and analytics can
 * show and group by it. Nullable: steps stored before this migration, and steps that name no system, have none.
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.alterTable(tables.steps, (t) => {
    t.text('dependent_system');
  });
}

/** Drops the column {@link up} added. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.alterTable(tables.steps, (t) => {
    t.dropColumn('dependent_system');
  });
}
