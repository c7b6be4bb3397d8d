import type { Redis } from 'ioredis';
import type { LuaScript } from './lua-script.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * What each seam of the Redis store (event log, subscriber positions, webhook deliveries, schedules) works with:
 * the store's client, the keys of its prefix, and the counter every command it sends goes through.
 */
export abstract class RedisSeam {
  constructor(
    protected readonly client: Redis,
    protected readonly keys: RedisKeys,
    protected readonly countCommand: () => void,
  ) {}

  /** Runs `script` with `args` as ARGV (and `keys` as KEYS), counted like every other command. */
  protected runScript(script: LuaScript, args: Array<string | number>, keys: readonly string[] = []): Promise<unknown> {
    return script.runOnKeys(this.client, keys, args, this.countCommand);
  }
}
