import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from './connect-client.js';

/** `--- @include "name"`: replaced by `lua/includes/<name>.lua`, as BullMQ's command files share their helpers. */
const INCLUDE = /^--- @include "([\w-]+)"$/gm;

/** The text of `lua/<path>.lua` beside this module (in `src/` for tests, `dist/` once built), includes inlined. */
function loadSource(path: string): string {
  const text = readFileSync(new URL(`./lua/${path}.lua`, import.meta.url), 'utf8');
  return text.replace(INCLUDE, (_, name: string) => luaInclude(name).trimEnd());
}

/** The helpers of `lua/includes/<name>.lua`, as scripts include them (for a test to call one on its own). */
export function luaInclude(name: string): string {
  return loadSource(`includes/${name}`);
}

/**
 * A Lua script of `src/lua/` (each file's header names its KEYS and ARGV), run by its SHA1 (EVALSHA) and sent
 * whole (EVAL) only when the server does not know it yet: after a restart, or on a cluster node that never ran it.
 * Done here rather than with ioredis' `defineCommand` so the store can count every command it sends.
 *
 * Every key a script touches is in its KEYS, named in TypeScript (see `redis-keys.ts`), and all of them share one
 * hash tag, so that a Redis Cluster runs the script on the one node holding their slot.
 */
export class LuaScript {
  readonly source: string;
  readonly sha: string;

  /** @param name the file's name in `src/lua/`, without `.lua`. */
  constructor(readonly name: string) {
    this.source = loadSource(name);
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  /** Runs the script on `keys` with `args` as ARGV; `onCommand` is called once per command sent. */
  async run(
    client: RedisClient,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
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
