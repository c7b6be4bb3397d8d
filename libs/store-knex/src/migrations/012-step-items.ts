import type { Knex } from 'knex';
import { dialectOf } from '../dialect.js';
import type { TableNames } from '../table-names.js';

/**
 * Map steps' items (`StepItems`): one row per task, step and item index, replaced whole by every write of the item
 * (an upsert in the batch's statement or transaction). The primary key serves reads of one step's items in index
 * order. (Numbered 012: 011 is another feature's.)
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  const json = postgres ? 'jsonb' : 'text';
  await db.schema.createTable(tables.stepItems, (t) => {
    t.specificType('task_id', postgres ? 'text COLLATE "C"' : 'text').notNullable();
    t.text('step_name').notNullable();
    t.integer('item_index').notNullable();
    t.text('state').notNullable();
    t.integer('attempts').notNullable();
    t.integer('budget_base').notNullable();
    t.specificType('results', json);
    t.specificType('error', json);
    t.bigInteger('updated_at').notNullable();
    t.primary(['task_id', 'step_name', 'item_index']);
  });
}

/** Drops what {@link up} added. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.dropTable(tables.stepItems);
}
