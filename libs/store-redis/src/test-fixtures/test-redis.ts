import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { clusterNodesOf } from '../connect-client.js';

/** The shared Redis of this machine (services.md). */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test or run uses. */
export function uniquePrefix(): string {
  return `tasker-test:${randomUUID()}:`;
}

/** Deletes every key under `prefix` on one server (SCAN, then UNLINK one by one: on a cluster node keys span slots). */
async function deleteOn(node: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) {
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.unlink(key);
      await pipeline.exec();
    }
    cursor = next;
  } while (cursor !== '0');
}

/**
 * Deletes every key under `prefixes` on the server of `url`, or on every master of a `redis+cluster://` URL, so
 * test runs leave the servers as they found them.
 */
export async function deleteKeys(url: string, prefixes: readonly string[]): Promise<void> {
  const cluster = url.startsWith('redis+cluster:');
  const client = cluster ? new Cluster(clusterNodesOf(url).nodes) : new Redis(url, { maxRetriesPerRequest: 0 });
  try {
    const nodes = client instanceof Cluster ? (await clusterReady(client)).nodes('master') : [client];
    for (const node of nodes) for (const prefix of prefixes) await deleteOn(node, prefix);
  } finally {
    client.disconnect();
  }
}

/** `cluster` once it knows the cluster's nodes. */
async function clusterReady(cluster: Cluster): Promise<Cluster> {
  if (cluster.status !== 'ready') await new Promise((resolve) => cluster.once('ready', resolve));
  return cluster;
}
