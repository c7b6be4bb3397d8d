import type { SubscriberClaim, SubscriberHold, SubscriberPositions } from '@tasker/core';
import { RedisSeam } from './redis-seam.js';
import { SCRIPTS } from './scripts.js';

/**
 * The {@link SubscriberPositions} of a {@link RedisStore}: a hash per subscriber name (`subscriber:<name>`, in the store-wide slot), each
 * change one script, so that the check of the hold and the write are atomic.
 */
export class RedisSubscribers extends RedisSeam implements SubscriberPositions {
  async claimSubscriber({ name, workerId, now, until }: SubscriberClaim): Promise<SubscriberHold | undefined> {
    const reply = (await this.runScript(
      SCRIPTS.claimSubscriber,
      [this.keys.subscriber(name)],
      [workerId, now, until],
    )) as [number, string | null] | null;
    if (reply === null) return undefined;
    const [token, position] = reply;
    return position === null ? { token } : { token, position };
  }

  async saveSubscriberPosition(name: string, token: number, position: string): Promise<boolean> {
    const saved = await this.runScript(SCRIPTS.saveSubscriberPosition, [this.keys.subscriber(name)], [token, position]);
    return saved === 1;
  }

  async releaseSubscriber(name: string, token: number): Promise<void> {
    await this.runScript(SCRIPTS.releaseSubscriber, [this.keys.subscriber(name)], [token]);
  }

  async readSubscriberPosition(name: string): Promise<string | undefined> {
    this.countCommand();
    return (await this.client.hget(this.keys.subscriber(name), 'position')) ?? undefined;
  }
}
