/**
 * Redis servers of a test's or a benchmark's own, for the suites and tools of Tasker's workspace and for adapters'
 * authors: a redis-server process on a free port (with or without an append-only file), and a three-master
 * Redis Cluster on loopback ports. They need `redis-server` and `redis-cli` on the PATH.
 */
export { RedisServerProcess, type RedisServerMode } from './redis-server-process.js';
export { RedisClusterProcesses } from './redis-cluster-processes.js';
