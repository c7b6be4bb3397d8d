import { resolve } from 'node:path';
import type { Knex } from 'knex';
import type { Dialect } from './dialect.js';

/** The tail of each SQLite file's queue of write transactions in this process. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` after every earlier write transaction of this process on the same SQLite file has ended.
 *
 * Two connections of one process that write one file at once would deadlock for the busy timeout: better-sqlite3
 * waits for a busy database synchronously, blocking the event loop that would let the other connection's
 * transaction finish. Other processes are kept out by SQLite's own lock and the busy timeout as usual.
 */
export function withFileWriteLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(file);
  const run = previous ? previous.then(work, work) : work();
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(file, tail);
  void tail.then(() => {
    if (queues.get(file) === tail) queues.delete(file);
  });
  return run;
}

/**
 * A function that runs write transactions of `db` one at a time per SQLite file (see {@link withFileWriteLock});
 * on Postgres, or on an in-memory SQLite database that no other connection can see, it runs them at once.
 */
export function writeSerializer(db: Knex, dialect: Dialect): <T>(work: () => Promise<T>) => Promise<T> {
  const filename = (db.client as { connectionSettings?: { filename?: unknown } }).connectionSettings?.filename;
  if (dialect !== 'sqlite' || typeof filename !== 'string' || filename === '' || filename === ':memory:')
    return (work) => work();
  const file = resolve(filename);
  return (work) => withFileWriteLock(file, work);
}
