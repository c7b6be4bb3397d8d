import type { SubscriberClaim, SubscriberHold, SubscriberPositions } from '@tasker/core';
import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script.js';
import type { RedisKeys } from './redis-keys.js';
import {
  CLAIM_SUBSCRIBER_SCRIPT,
  RELEASE_SUBSCRIBER_SCRIPT,
  SAVE_SUBSCRIBER_POSITION_SCRIPT,
} from './scripts/subscriber-scripts.js';

const claimScript = new LuaScript(CLAIM_SUBSCRIBER_SCRIPT);
const saveScript = new LuaScript(SAVE_SUBSCRIBER_POSITION_SCRIPT);
const releaseScript = new LuaScript(RELEASE_SUBSCRIBER_SCRIPT);

/**
 * The {@link SubscriberPositions} of a {@link RedisStore}: a hash per subscriber name (`subscriber:<name>`), each
 * change one script, so that the check of the hold and the write are atomic.
 */
export class RedisSubscribers implements SubscriberPositions {
  readonly #client: Redis;
  readonly #keys: RedisKeys;
  readonly #countCommand: () => void;

  constructor(client: Redis, keys: RedisKeys, countCommand: () => void) {
    this.#client = client;
    this.#keys = keys;
    this.#countCommand = countCommand;
  }

  async claimSubscriber({ name, workerId, now, until }: SubscriberClaim): Promise<SubscriberHold | undefined> {
    const reply = (await claimScript.run(
      this.#client,
      [this.#keys.prefix, name, workerId, now, until],
      this.#countCommand,
    )) as [number, string | null] | null;
    if (reply === null) return undefined;
    const [token, position] = reply;
    return position === null ? { token } : { token, position };
  }

  async saveSubscriberPosition(name: string, token: number, position: string): Promise<boolean> {
    const saved = await saveScript.run(this.#client, [this.#keys.prefix, name, token, position], this.#countCommand);
    return saved === 1;
  }

  async releaseSubscriber(name: string, token: number): Promise<void> {
    await releaseScript.run(this.#client, [this.#keys.prefix, name, token], this.#countCommand);
  }

  async readSubscriberPosition(name: string): Promise<string | undefined> {
    this.#countCommand();
    return (await this.#client.hget(this.#keys.subscriber(name), 'position')) ?? undefined;
  }
}
