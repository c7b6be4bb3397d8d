import type { Knex } from 'knex';
import type { Dialect } from '../dialect.js';
import type { TableNames } from '../table-names.js';
import { TaskerMigrationSource } from './migration-source.js';

/** Errors that mean another process migrates at the same moment: waiting and trying again resolves them. */
function isContention(error: unknown): boolean {
  const { name, code } = error as { name?: string; code?: string };
  return (
    name === 'MigrationLocked' ||
    (typeof code === 'string' &&
      (code.startsWith('SQLITE_BUSY') || ['40P01', '40001', '23505', '42P07'].includes(code)))
  );
}

async function migrateOnce(db: Knex, dialect: Dialect, tables: TableNames): Promise<string[]> {
  return db.transaction(async (trx) => {
    // Postgres: a second process blocks here until the first has committed, then finds nothing left to do.
    if (dialect === 'postgres')
      await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`tasker:migrate:${tables.migrations}`]);
    const [, applied] = (await trx.migrate.latest({
      migrationSource: new TaskerMigrationSource(tables),
      tableName: tables.migrations,
    })) as [number, string[]];
    return applied;
  });
}

/**
 * Brings the schema up to date, in one transaction, and returns the names of the migrations it applied.
 *
 * Safe when several processes start at once: on Postgres an advisory lock serialises them; on SQLite the file's
 * write lock does, and a migration that finds the database busy (or knex's migration lock taken) is tried again
 * with backoff, up to ten times.
 */
export async function runMigrations(db: Knex, dialect: Dialect, tables: TableNames): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(db, dialect, tables);
    } catch (error) {
      if (!isContention(error) || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 50 * 2 ** attempt)));
    }
  }
}
