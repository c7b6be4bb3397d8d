import { Redis, type RedisOptions } from 'ioredis';

/** Where a store connects: a `redis://` URL, ioredis options, or a client the caller made and keeps owning. */
export type RedisConnection = string | RedisOptions | Redis;

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

function isClient(connection: RedisConnection): connection is Redis {
  // Duck-typed: a client of another copy of ioredis is not an `instanceof` this one's class.
  return typeof connection === 'object' && typeof (connection as Redis).evalsha === 'function';
}

/** The client a store uses, and whether the store made it (and so closes it). */
export function connectClient(connection: RedisConnection): { client: Redis; owned: boolean } {
  if (isClient(connection)) return { client: connection, owned: false };
  const client =
    typeof connection === 'string'
      ? new Redis(connection, STORE_CLIENT_DEFAULTS)
      : new Redis({ ...STORE_CLIENT_DEFAULTS, ...connection });
  // Connection errors reach callers as rejected commands (the engine logs them); without a listener ioredis would
  // also print each one to stderr.
  client.on('error', () => undefined);
  return { client, owned: true };
}
