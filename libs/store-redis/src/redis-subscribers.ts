import type { SubscriberClaim, SubscriberHold, SubscriberPositions } from '@tasker/core';
import { LuaScript } from './lua-script.js';
import { RedisSeam } from './redis-seam.js';
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
export class RedisSubscribers extends RedisSeam implements SubscriberPositions {
  async claimSubscriber({ name, workerId, now, until }: SubscriberClaim): Promise<SubscriberHold | undefined> {
    const reply = (await this.runScript(claimScript, [this.keys.prefix, name, workerId, now, until])) as
      [number, string | null] | null;
    if (reply === null) return undefined;
    const [token, position] = reply;
    return position === null ? { token } : { token, position };
  }

  async saveSubscriberPosition(name: string, token: number, position: string): Promise<boolean> {
    const saved = await this.runScript(saveScript, [this.keys.prefix, name, token, position]);
    return saved === 1;
  }

  async releaseSubscriber(name: string, token: number): Promise<void> {
    await this.runScript(releaseScript, [this.keys.prefix, name, token]);
  }

  async readSubscriberPosition(name: string): Promise<string | undefined> {
    this.countCommand();
    return (await this.client.hget(this.keys.subscriber(name), 'position')) ?? undefined;
  }
}
