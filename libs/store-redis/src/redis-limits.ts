import type { HeldSlot, SlotGrant, SlotRequest, TokenGrant, TokenRequest } from '@tasker/core';
import { LuaScript } from './lua-script.js';
import { RedisSeam } from './redis-seam.js';
import { ACQUIRE_SLOT_SCRIPT } from './scripts/acquire-slot-script.js';
import { RELEASE_SLOT_SCRIPT } from './scripts/release-slot-script.js';
import { TAKE_TOKEN_SCRIPT } from './scripts/take-token-script.js';

const acquireSlotScript = new LuaScript(ACQUIRE_SLOT_SCRIPT);
const releaseSlotScript = new LuaScript(RELEASE_SLOT_SCRIPT);
const takeTokenScript = new LuaScript(TAKE_TOKEN_SCRIPT);

/** The Redis store's concurrency keys and rate limits (see the key table in `redis-keys.ts`): one script a call. */
export class RedisLimits extends RedisSeam {
  async acquireSlot({ key, limit, holder, until, now }: SlotRequest): Promise<SlotGrant> {
    const reply = await acquireSlotScript.runOnKeys(
      this.client,
      [this.keys.slots(key)],
      [limit, holder, until, now],
      this.countCommand,
    );
    return reply === 'ok' ? { acquired: true } : { acquired: false, retryAt: Number(reply) };
  }

  /** One `ZADD XX GT` per slot, pipelined: only slots still held, and never to an earlier end. */
  async renewSlots(slots: HeldSlot[], until: number): Promise<void> {
    if (slots.length === 0) return;
    this.countCommand();
    const pipeline = this.client.pipeline();
    for (const { key, holder } of slots) pipeline.zadd(this.keys.slots(key), 'XX', 'GT', until, holder);
    await pipeline.exec();
  }

  async releaseSlot({ key, holder }: HeldSlot): Promise<void> {
    await releaseSlotScript.runOnKeys(
      this.client,
      [this.keys.slots(key)],
      [holder, this.keys.workChannel],
      this.countCommand,
    );
  }

  async takeToken({ key, limit, periodMs, now }: TokenRequest): Promise<TokenGrant> {
    const reply = Number(
      await takeTokenScript.runOnKeys(this.client, [this.keys.bucket(key)], [limit, periodMs, now], this.countCommand),
    );
    return reply === -1 ? { granted: true } : { granted: false, retryAt: reply };
  }
}
