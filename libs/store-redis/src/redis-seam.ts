import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './connect-client.js';
import type { LuaScript } from './lua-script.js';
import { pipelineReplies } from './pipeline-replies.js';
import type { RedisKeys, TaskKeys } from './redis-keys.js';

/**
 * What each seam of the Redis store (creations, commits, leases, event log, subscriber positions, webhook
 * deliveries, schedules) works with: the store's client, the keys of its prefix, and the counter every command it
 * sends goes through.
 */
export abstract class RedisSeam {
  constructor(
    protected readonly client: RedisClient,
    protected readonly keys: RedisKeys,
    protected readonly countCommand: () => void,
  ) {}

  /** Runs `script` on `keys` with `args` as ARGV, counted like every other command. */
  protected runScript(
    script: LuaScript,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> {
    return script.run(this.client, keys, args, this.countCommand);
  }

  /** Counts `count` commands sent otherwise than by {@link runScript}. */
  protected countCommands(count: number): void {
    for (let sent = 0; sent < count; sent++) this.countCommand();
  }

  /**
   * The replies of the reads `queue` puts in a pipeline for each task, by task id: one pipeline (one round trip)
   * per shard, all sent at once.
   */
  protected async readPerTask(
    taskIds: readonly string[],
    queue: (pipeline: ChainableCommander, keys: TaskKeys) => void,
  ): Promise<Map<string, unknown[]>> {
    const read = new Map<string, unknown[]>();
    const perShard = groupByShard([...new Set(taskIds)], (id) => this.keys.shardOf(id).shard);
    await Promise.all(
      [...perShard.values()].map(async (part) => {
        const pipeline = this.client.pipeline();
        for (const id of part) queue(pipeline, this.keys.task(id));
        const replies = await pipelineReplies(pipeline);
        this.countCommands(replies.length);
        const perTask = replies.length / part.length;
        part.forEach((id, index) => read.set(id, replies.slice(index * perTask, (index + 1) * perTask)));
      }),
    );
    return read;
  }
}

/** `items` grouped by the shard `shardOf` gives each, in their order within each group. */
export function groupByShard<T>(items: readonly T[], shardOf: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const shard = shardOf(item);
    const group = groups.get(shard);
    if (group) group.push(item);
    else groups.set(shard, [item]);
  }
  return groups;
}
