import type { TableNames } from '../table-names.js';

/**
 * The name of the transaction-level advisory lock (`pg_advisory_xact_lock(hashtext(name))`) that orders what every
 * PostgreSQL write appends to shared rows: a batch takes it before it inserts its events, so that event ids become
 * visible in id order, and the rollup triggers take it before they add to the analytics rollups, so that two writes
 * never lock shared rollup rows in crossing orders (a deadlock otherwise: the rollups of a batch's tasks and of its
 * steps are upserted by two triggers whose order within one statement PostgreSQL does not fix). Held to the commit.
 */
export const sharedRowsLock = (tables: TableNames): string => `tasker:events:${tables.events}`;
