import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run by its SHA1 (EVALSHA), sent whole (EVAL) only when the server does not know it yet, e.g. after
 * a restart. Done here rather than with ioredis' `defineCommand` so the store can count every command it sends.
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script with no KEYS and `args` as ARGV; `onCommand` is called once per command sent. */
  run(client: Redis, args: Array<string | number>, onCommand: () => void): Promise<unknown> {
    return this.runOnKeys(client, [], args, onCommand);
  }

  /** Runs the script with `keys` as KEYS (every key it touches) and `args` as ARGV, counted like {@link run}. */
  async runOnKeys(
    client: Redis,
    keys: readonly string[],
    args: Array<string | number>,
    onCommand: () => void,
  ): Promise<unknown> {
    onCommand();
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      onCommand();
      return await client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
