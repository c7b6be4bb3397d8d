import type { Knex } from 'knex';
import type { TableNames } from '../table-names.js';

/**
 * Task priorities (a `priority` column, kept for views: the claim order itself is the `claimable_at` the engine
 * computes, so claims stay one scan of the claim index) and concurrency keys and rate limits: a row per holder of a key's slot with its lease's end (a crashed worker's slot
 * is free once that has passed), and a token bucket per rate-limited key, its credit in whole units (see
 * `TokenBucket` of `@tasker/core`). Additive: new tables only.
 */
export async function up(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.alterTable(tables.tasks, (t) => {
    t.integer('priority');
  });
  await db.schema.createTable(tables.concurrencySlots, (t) => {
    t.text('key').notNullable();
    t.text('holder').notNullable();
    t.bigInteger('until').notNullable();
    t.primary(['key', 'holder']);
  });
  await db.schema.createTable(tables.rateLimits, (t) => {
    t.text('key').primary();
    t.bigInteger('credit').notNullable();
    t.bigInteger('refilled_at').notNullable();
  });
}

/** Drops what {@link up} added. */
export async function down(db: Knex, tables: TableNames): Promise<void> {
  await db.schema.dropTable(tables.rateLimits);
  await db.schema.dropTable(tables.concurrencySlots);
  await db.schema.alterTable(tables.tasks, (t) => {
    t.dropColumn('priority');
  });
}
