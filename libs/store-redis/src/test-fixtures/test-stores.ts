import type { RedisConnection } from '../connect-client.js';
import { createRedisStore } from '../create-redis-store.js';
import type { RedisStore, RedisStoreOptions } from '../redis-store.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from './test-redis.js';

/**
 * Opens stores on a test server (the shared one unless given the URL of another, e.g. the run's cluster) for a
 * suite, and cleans up after each test: closes them, deletes their keys.
 */
export class TestStores {
  readonly #prefixes: string[] = [];
  readonly #opened: RedisStore[] = [];

  constructor(readonly url = TEST_REDIS_URL) {}

  /** A store under `prefix` (a fresh one when absent), on its own connection unless given one. */
  open(prefix = uniquePrefix(), connection: RedisConnection = this.url, options: RedisStoreOptions = {}): RedisStore {
    this.#prefixes.push(prefix);
    const store = createRedisStore(connection, { ...options, prefix });
    this.#opened.push(store);
    return store;
  }

  async cleanUp(): Promise<void> {
    await Promise.all(this.#opened.splice(0).map((store) => store.close()));
    await deleteKeys(this.url, this.#prefixes.splice(0));
  }
}
