/**
 * Helpers for tests, benchmarks and crash runs of the knex store: a PostgreSQL database of their own on the test
 * server, or a private PostgreSQL server they may crash and start again. Not part of the store's API; import it as `@tasker/store-knex/testing`.
 */
export { TEST_DATABASE_URL, freshPostgresDatabase } from './fresh-postgres-database.js';
export type { FreshPostgresDatabaseOptions, TestDatabase } from './fresh-postgres-database.js';
export { startPrivatePostgres } from './private-postgres.js';
export type { PrivatePostgres } from './private-postgres.js';
