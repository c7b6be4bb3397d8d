import { connectClient, type RedisConnection } from './connect-client.js';
import { RedisStore, type RedisStoreOptions } from './redis-store.js';

/**
 * Creates a store on Redis: one server, or a Redis Cluster (a `redis+cluster://host:port,host:port` URL or an
 * ioredis `Cluster`). Given a URL or ioredis options, the store makes its own client (with settings that make
 * commands fail fast while the server is down, see `STORE_CLIENT_DEFAULTS`) and closes it on `close()`; given a
 * client, it uses it and leaves it open.
 *
 * @example
 * const store = createRedisStore('redis://127.0.0.1:6379', { prefix: 'shop:' });
 * // or: createRedisStore('redis+cluster://10.0.0.1:6379,10.0.0.2:6379', { prefix: 'shop:' });
 * await store.migrate();
 * const engine = createEngine({ store });
 * // ...
 * await engine.stop();
 * await store.close();
 * @throws InvalidRequestError for a prefix holding a brace or a shard count out of range.
 */
export function createRedisStore(connection: RedisConnection, options: RedisStoreOptions = {}): RedisStore {
  const { client, owned } = connectClient(connection);
  try {
    return new RedisStore(client, owned, options);
  } catch (error) {
    if (owned) client.disconnect();
    throw error;
  }
}
