import { InvalidRequestError } from '@tasker/core';
import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';

/** The client a store talks through: one server (or a primary), or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * Where a store connects: a `redis://` (or `rediss://`) URL, a `redis+cluster://host:port,host:port` URL naming
 * some nodes of a Redis Cluster, ioredis options, or a client (a `Redis` or a `Cluster`) the caller made and keeps
 * owning.
 */
export type RedisConnection = string | RedisOptions | RedisClient;

/**
 * Client settings for a store that makes its own client; given options override them.
 *
 * While the server is unreachable a command must fail soon rather than wait in ioredis' queue, so that the
 * engine's write queue retries it with its own backoff and logs the outage: the queue is flushed with an error at
 * every failed reconnection attempt (`maxRetriesPerRequest: 0`), an attempt gives up after 2 s, and attempts
 * repeat at most a second apart until the server is back.
 */
export const STORE_CLIENT_DEFAULTS: RedisOptions = {
  maxRetriesPerRequest: 0,
  connectTimeout: 2_000,
  retryStrategy: (attempt: number) => Math.min(50 * 2 ** (attempt - 1), 1_000),
};

const CLUSTER_SCHEME = 'redis+cluster:';

function isClient(connection: RedisConnection): connection is RedisClient {
  // Duck-typed: a client of another copy of ioredis is not an `instanceof` this one's class.
  return typeof connection === 'object' && typeof (connection as Redis).evalsha === 'function';
}

/** Whether `client` is a Redis Cluster client. */
export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}

/**
 * The nodes and password of a `redis+cluster://[:password@]host:port,host:port` URL.
 * @throws InvalidRequestError naming the URL when a node has no host or no port.
 */
export function clusterNodesOf(url: string): { nodes: ClusterNode[]; password?: string } {
  const rest = url.slice(`${CLUSTER_SCHEME}//`.length).split(/[/?]/, 1)[0]!;
  const at = rest.lastIndexOf('@');
  const credentials = at < 0 ? undefined : decodeURIComponent(rest.slice(0, at));
  const nodes = rest
    .slice(at + 1)
    .split(',')
    .map((node) => {
      const match = /^([^:]+):(\d+)$/.exec(node);
      if (!match) throw new InvalidRequestError('url', `'${node}' of ${CLUSTER_SCHEME} URL is no host:port`);
      return { host: match[1]!, port: Number(match[2]) };
    });
  const password = credentials?.slice(credentials.indexOf(':') + 1);
  return password ? { nodes, password } : { nodes };
}

/** The client a store uses, and whether the store made it (and so closes it). */
export function connectClient(connection: RedisConnection): { client: RedisClient; owned: boolean } {
  if (isClient(connection)) return { client: connection, owned: false };
  let client: RedisClient;
  if (typeof connection === 'string' && connection.startsWith(CLUSTER_SCHEME)) {
    const { nodes, password } = clusterNodesOf(connection);
    client = new Cluster(nodes, {
      redisOptions: { ...STORE_CLIENT_DEFAULTS, ...(password ? { password } : {}) },
      clusterRetryStrategy: STORE_CLIENT_DEFAULTS.retryStrategy!,
    });
  } else {
    client =
      typeof connection === 'string'
        ? new Redis(connection, STORE_CLIENT_DEFAULTS)
        : new Redis({ ...STORE_CLIENT_DEFAULTS, ...connection });
  }
  // Connection errors reach callers as rejected commands (the engine logs them); without a listener ioredis would
  // also print each one to stderr.
  client.on('error', () => undefined);
  return { client, owned: true };
}

/** A second connection like `client` (for a subscription or a blocking read), closed by its user. */
export function duplicateClient(client: RedisClient): RedisClient {
  const copy: RedisClient = isCluster(client) ? client.duplicate() : client.duplicate();
  copy.on('error', () => undefined);
  return copy;
}
