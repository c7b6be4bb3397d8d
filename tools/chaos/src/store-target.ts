/**
 * Which store a process opens: a store URL as `createStoreFromUrl` of `@tasker/core` reads it (`postgres://…`,
 * `sqlite:/tmp/…/crash.sqlite`, `redis://…/?prefix=crash:`). A string, so that a test or a benchmark can pass it to
 * the child processes it starts (crash workers here, benchmark workers in tools/bench).
 */
export type StoreTarget = string;
