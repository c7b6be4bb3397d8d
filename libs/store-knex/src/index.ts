/**
 * The Tasker store on PostgreSQL and SQLite through knex: `createKnexStore` gives a `TaskStore` for
 * `createEngine({ store })`, with versioned migrations and one transaction per group-commit batch.
 */
export { createKnexStore } from './create-knex-store.js';
export type { KnexConfigOrInstance } from './create-knex-store.js';
export { KnexStore } from './knex-store.js';
export type { KnexStoreOptions } from './knex-store-options.js';
export type { Dialect } from './dialect.js';
export { DEFAULT_TABLE_PREFIX } from './table-names.js';
