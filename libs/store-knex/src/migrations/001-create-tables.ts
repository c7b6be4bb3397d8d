import type { Knex } from 'knex';
import { dialectOf } from '../dialect.js';
import type { TableNames } from '../table-names.js';

/**
 * The first schema: tasks, steps, transitions (the history), annotations, snapshots, and the ids of committed
 * batches. JSON is jsonb on
 * Postgres and text on SQLite; times are bigint milliseconds from the engine's clock. Task ids compare bytewise
 * (`COLLATE "C"` on Postgres, SQLite's default) so that pages break ties by id exactly as the other stores do.
 *
 * No foreign keys: every write of a batch is checked against the tasks table within the batch's transaction
 * (see `commitWrites`), and foreign-key triggers would cost a lookup and a row lock for each history row.
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  const json = postgres ? 'jsonb' : 'text';
  const id = postgres ? 'text COLLATE "C"' : 'text';

  await db.schema.createTable(tables.tasks, (t) => {
    t.specificType('id', id).primary();
    t.text('namespace').notNullable();
    t.text('name').notNullable();
    t.text('version').notNullable();
    t.text('state').notNullable();
    t.specificType('context', json).notNullable();
    t.text('correlation_id').notNullable();
    t.text('idempotency_key');
    t.text('initiator');
    t.text('source_system');
    t.text('reason');
    t.specificType('tags', json).notNullable();
    t.integer('max_parallel_steps').notNullable();
    t.text('task_handler');
    t.text('error_message');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('started_at');
    t.bigInteger('completed_at');
    t.index(['state', 'created_at'], `${tables.tasks}_state_created`);
    t.index(['namespace', 'name', 'version'], `${tables.tasks}_template`);
    t.index(['correlation_id'], `${tables.tasks}_correlation`);
  });
  // Newest first, ties by id: the order and the cursor of listTasks.
  await db.raw(`CREATE INDEX "${tables.tasks}_newest" ON "${tables.tasks}" (created_at DESC, id DESC)`);
  await db.raw(
    `CREATE UNIQUE INDEX "${tables.tasks}_idempotency" ON "${tables.tasks}" (namespace, name, idempotency_key) ` +
      'WHERE idempotency_key IS NOT NULL',
  );

  await db.schema.createTable(tables.steps, (t) => {
    t.specificType('task_id', id).notNullable();
    t.text('name').notNullable();
    t.integer('position').notNullable();
    t.text('handler').notNullable();
    t.specificType('depends_on', json).notNullable();
    t.specificType('settings', json).notNullable();
    t.specificType('config', json).notNullable();
    t.text('state').notNullable();
    t.integer('attempts').notNullable();
    t.integer('budget_base').notNullable();
    t.specificType('results', json);
    t.specificType('error', json);
    t.bigInteger('started_at');
    t.bigInteger('completed_at');
    t.bigInteger('duration_ms');
    t.bigInteger('next_retry_at');
    t.primary(['task_id', 'name']);
  });

  await db.schema.createTable(tables.transitions, (t) => {
    t.bigIncrements('id');
    t.specificType('task_id', id).notNullable();
    t.text('step_name');
    t.text('from_state').notNullable();
    t.text('to_state').notNullable();
    t.integer('attempt');
    t.specificType('error', json);
    t.text('caused_by').notNullable();
    t.text('reason');
    t.bigInteger('at').notNullable();
    t.index(['task_id', 'id'], `${tables.transitions}_task`);
  });

  await db.schema.createTable(tables.annotations, (t) => {
    t.bigIncrements('id');
    t.specificType('task_id', id).notNullable();
    t.text('type').notNullable();
    t.specificType('content', json).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['type', 'task_id'], `${tables.annotations}_type`);
    t.index(['task_id', 'id'], `${tables.annotations}_task`);
  });

  await db.schema.createTable(tables.snapshots, (t) => {
    t.specificType('task_id', id).primary();
    t.integer('machine_version').notNullable();
    t.specificType('state', json).notNullable();
  });

  await db.schema.createTable(tables.batches, (t) => {
    t.specificType('id', id).primary();
    t.bigInteger('committed_at').notNullable();
    t.index(['committed_at'], `${tables.batches}_committed`);
  });
}

/** Drops everything {@link up} created. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  for (const table of [
    tables.batches,
    tables.snapshots,
    tables.annotations,
    tables.transitions,
    tables.steps,
    tables.tasks,
  ]) {
    await db.schema.dropTableIfExists(table);
  }
}
