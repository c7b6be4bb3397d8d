/**
 * The Tasker store on Redis (one server or a Redis Cluster): tasks, steps, history, annotations and snapshots in
 * hashes, lists and strings under one key prefix, spread over shards by hash tag, with sorted sets as each shard's
 * indexes. Each task creation, each shard's part of a group-commit batch and each lease operation (claims,
 * renewals, releases) is one Lua script: atomic, and one round trip. Claimable work is announced over pub/sub.
 */
export { createRedisStore } from './create-redis-store.js';
export { RedisStore, REDIS_SCHEMA_VERSION, DEFAULT_CLUSTER_SHARDS } from './redis-store.js';
export type { RedisStoreOptions } from './redis-store.js';
export { STORE_CLIENT_DEFAULTS } from './connect-client.js';
export type { RedisClient, RedisConnection } from './connect-client.js';
