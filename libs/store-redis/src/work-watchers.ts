import { duplicateClient, type RedisClient } from './connect-client.js';

/**
 * The store's `watchWork` listeners: each one a subscriber connection (a duplicate of the store's client, since a
 * subscribed connection takes no other commands) on the channel where the scripts publish claimable work.
 */
export class WorkWatchers {
  readonly #client: RedisClient;
  readonly #channel: string;
  readonly #subscribers = new Set<RedisClient>();

  constructor(client: RedisClient, channel: string) {
    this.#client = client;
    this.#channel = channel;
  }

  /**
   * Calls `onWork` on every message of the channel, and once more after each reconnection; resolves once
   * subscribed with the function that stops it.
   */
  async watch(onWork: () => void): Promise<() => Promise<void>> {
    // Lost connections are reported by the store's own commands; ioredis reconnects and subscribes again.
    const subscriber = duplicateClient(this.#client);
    subscriber.on('message', () => onWork());
    let subscribed = false;
    subscriber.on('ready', () => {
      if (!subscribed) return;
      // Messages published while the connection was down are lost: once subscribed again (a SUBSCRIBE of our own
      // answers after ioredis' resubscription), the watcher looks for the work they announced instead of waiting
      // for its next poll.
      subscriber.subscribe(this.#channel).then(onWork, () => undefined);
    });
    this.#subscribers.add(subscriber);
    try {
      await subscriber.subscribe(this.#channel);
      subscribed = true;
    } catch (error) {
      await this.#close(subscriber);
      throw error;
    }
    return () => this.#close(subscriber);
  }

  /** Closes every subscriber still open. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#subscribers].map((subscriber) => this.#close(subscriber)));
  }

  async #close(subscriber: RedisClient): Promise<void> {
    if (!this.#subscribers.delete(subscriber)) return;
    try {
      await subscriber.quit();
    } catch {
      // The server is gone: nothing is left to say goodbye to.
      subscriber.disconnect();
    }
  }
}
