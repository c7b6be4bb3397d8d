import type { TestProject } from 'vitest/node';
import { RedisClusterProcesses } from '../testing/redis-cluster-processes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The `redis+cluster://` URL of the test run's Redis Cluster (see {@link RedisClusterProcesses}). */
    redisClusterUrl: string;
  }
}

/**
 * Vitest global setup: one Redis Cluster for the whole run, shared by every test file (each under prefixes of its
 * own, as on the shared server), torn down after the last.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await RedisClusterProcesses.started();
  project.provide('redisClusterUrl', cluster.url);
  return () => cluster.dispose();
}
