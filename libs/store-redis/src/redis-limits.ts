import type { HeldSlot, SlotGrant, SlotRequest, TokenGrant, TokenRequest } from '@tasker/core';
import { RedisSeam } from './redis-seam.js';
import { SCRIPTS } from './scripts.js';

/**
 * The Redis store's concurrency keys and rate limits (see the key table in `redis-keys.ts`): one script a call, on
 * the one key it concerns (each in a slot of its own).
 */
export class RedisLimits extends RedisSeam {
  async acquireSlot({ key, limit, holder, until, now }: SlotRequest): Promise<SlotGrant> {
    const reply = await this.runScript(SCRIPTS.acquireSlot, [this.keys.slots(key)], [limit, holder, until, now]);
    return reply === 'ok' ? { acquired: true } : { acquired: false, retryAt: Number(reply) };
  }

  /**
   * One `ZADD XX GT` per slot, all sent at once (not as one pipeline: the keys are in different slots of a
   * cluster): only slots still held, and never to an earlier end.
   */
  async renewSlots(slots: HeldSlot[], until: number): Promise<void> {
    this.countCommands(slots.length);
    await Promise.all(
      slots.map(({ key, holder }) => this.client.zadd(this.keys.slots(key), 'XX', 'GT', until, holder)),
    );
  }

  async releaseSlot({ key, holder }: HeldSlot): Promise<void> {
    await this.runScript(SCRIPTS.releaseSlot, [this.keys.slots(key)], [holder, this.keys.workChannel]);
  }

  async takeToken({ key, limit, periodMs, now }: TokenRequest): Promise<TokenGrant> {
    const reply = Number(await this.runScript(SCRIPTS.takeToken, [this.keys.bucket(key)], [limit, periodMs, now]));
    return reply === -1 ? { granted: true } : { granted: false, retryAt: reply };
  }
}
