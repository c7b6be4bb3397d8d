/**
 * The Tasker store on Redis: tasks, steps, history, annotations and snapshots in hashes, lists and strings under
 * one key prefix, with sorted sets as indexes. Each task creation, each group-commit batch and each lease operation
 * (claims, renewals, releases) is one Lua script: atomic, and one round trip. Claimable work is announced over
 * pub/sub.
 */
export { createRedisStore } from './create-redis-store.js';
export { RedisStore, REDIS_SCHEMA_VERSION } from './redis-store.js';
export type { RedisStoreOptions } from './redis-store.js';
export { STORE_CLIENT_DEFAULTS } from './connect-client.js';
export type { RedisConnection } from './connect-client.js';
