import {
  decodeTaskCursor,
  encodeTaskCursor,
  pageSize,
  type ActivityFilter,
  type StoredSnapshot,
  type StoredTask,
  type TaskActivity,
  type TaskFilter,
  type TaskPage,
  type TaskRecord,
  type TransitionRecord,
} from '@tasker/core';
import { compareMembers, pageRange, taskIdOfMember } from './index-member.js';
import { parseJsonList, stepsFromHash, taskFromHash } from './record-codec.js';
import { indexSuffix, type ShardKeys } from './redis-keys.js';
import type { RedisClient } from './connect-client.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisSeam } from './redis-seam.js';
import type { RollupNames } from './rollup-names.js';
import { SCRIPTS } from './scripts.js';

/** The index suffixes a filter narrows by: all of the lists must match, any index within one list. */
function filterIndexes(filter: TaskFilter): string[][] {
  const filters: string[][] = [];
  if (filter.state !== undefined)
    filters.push(([] as string[]).concat(filter.state).map((state) => indexSuffix('state', state)));
  if (filter.namespace !== undefined) filters.push([indexSuffix('namespace', filter.namespace)]);
  if (filter.name !== undefined) filters.push([indexSuffix('name', filter.name)]);
  if (filter.version !== undefined) filters.push([indexSuffix('version', filter.version)]);
  if (filter.correlationId !== undefined) filters.push([indexSuffix('correlation', filter.correlationId)]);
  if (filter.annotationType !== undefined) filters.push([indexSuffix('annotation', filter.annotationType)]);
  return filters;
}

const asEntries = (hash: unknown) => Object.entries(hash as Record<string, string>);

/**
 * The reads of the Redis store that span tasks: lists, pages and batches of tasks. Each shard's index answers
 * its part (one command or script per shard, all sent at once), the parts are merged in index order, and the
 * tasks' keys are then read in one pipeline per shard.
 */
export class RedisQueries extends RedisSeam {
  /** @param rollups told the rollup of each task loaded, which the store's commits to it name. */
  constructor(
    client: RedisClient,
    keys: RedisKeys,
    countCommand: () => void,
    private readonly rollups: RollupNames,
  ) {
    super(client, keys, countCommand);
  }

  /**
   * One page of tasks, newest first: each shard's list script answers up to a page's worth of members of the
   * filter (see list-tasks.lua), the newest of them across shards make the page.
   */
  async listTasks(filter: TaskFilter): Promise<TaskPage> {
    const limit = pageSize(filter.limit);
    const cursor = filter.cursor === undefined ? undefined : decodeTaskCursor(filter.cursor);
    const filters = filterIndexes(filter);
    const query = JSON.stringify({
      filters: filters.map((indexes) => indexes.length),
      ...pageRange({ cursor, createdFrom: filter.createdFrom, createdTo: filter.createdTo }),
      count: limit + 1,
    });
    const perShard = await Promise.all(
      this.keys.shards.map(
        async (shard) =>
          (await this.runScript(
            SCRIPTS.listTasks,
            [shard.all, ...filters.flat().map((suffix) => shard.index(suffix))],
            [query],
          )) as string[],
      ),
    );
    const members = perShard
      .flat()
      .sort((a, b) => compareMembers(b, a))
      .slice(0, limit + 1);
    const read = await this.readPerTask(members.map(taskIdOfMember), (pipeline, keys) => pipeline.hgetall(keys.task));
    const found = members
      .map((member) => taskFromHash(asEntries(read.get(taskIdOfMember(member))![0])))
      .filter((task): task is TaskRecord => task !== undefined);
    const tasks = found.slice(0, limit);
    const last = tasks.at(-1);
    return found.length > limit && last ? { tasks, nextCursor: encodeTaskCursor(last) } : { tasks };
  }

  /** The tasks of `taskIds` that exist, with their steps and snapshots: three reads per task. */
  async loadTasks(taskIds: readonly string[]): Promise<StoredTask[]> {
    const read = await this.readPerTask(taskIds, (pipeline, keys) =>
      pipeline.hgetall(keys.task).hgetall(keys.steps).get(keys.snapshot),
    );
    return taskIds.flatMap((id) => {
      const [hash, stepsHash, snapshot] = read.get(id)!;
      const task = taskFromHash(asEntries(hash));
      if (!task) return [];
      this.rollups.remember(id, (hash as Record<string, string>)['@rollup'] ?? null);
      const steps = stepsFromHash(id, asEntries(stepsHash));
      return [
        snapshot === null
          ? { task, steps }
          : { task, steps, snapshot: JSON.parse(snapshot as string) as StoredSnapshot },
      ];
    });
  }

  /**
   * The tasks created in the filter's window, oldest first, with their steps and the history entries that carry an
   * error. The namespace index (or `idx:all`) of each shard gives the window as one lexicographic range. Name and
   * version are checked on the rows read.
   */
  async listActivity(filter: ActivityFilter): Promise<TaskActivity[]> {
    const suffix = filter.namespace === undefined ? 'all' : indexSuffix('namespace', filter.namespace);
    const range = pageRange({ createdFrom: filter.createdFrom, createdTo: filter.createdTo });
    const ids = await this.#mergedMembers((shard) =>
      this.client.zrange(shard.index(suffix), range.min, range.max, 'BYLEX'),
    );
    const read = await this.readPerTask(ids, (pipeline, keys) =>
      pipeline.hgetall(keys.task).hgetall(keys.steps).lrange(keys.transitions, 0, -1),
    );
    const activities: TaskActivity[] = [];
    for (const id of ids) {
      const [hash, steps, transitions] = read.get(id)!;
      const task = taskFromHash(asEntries(hash));
      if (!task || task.createdAt < filter.createdFrom || task.createdAt >= filter.createdTo) continue;
      if (filter.name !== undefined && task.name !== filter.name) continue;
      if (filter.version !== undefined && task.version !== filter.version) continue;
      activities.push({
        task,
        steps: stepsFromHash(id, asEntries(steps)),
        failures: parseJsonList<TransitionRecord>(transitions as string[]).filter(
          (transition) => transition.error !== undefined,
        ),
      });
    }
    return activities;
  }

  async listUnfinishedTaskIds(): Promise<string[]> {
    return this.#mergedMembers((shard) => this.client.zrange(shard.unfinished, 0, '-1'));
  }

  /** The task ids of the members each shard's `read` answers, merged in index order (creation time, then id). */
  async #mergedMembers(read: (shard: ShardKeys) => Promise<string[]>): Promise<string[]> {
    this.countCommands(this.keys.shardCount);
    const members = (await Promise.all(this.keys.shards.map(read))).flat();
    return members.sort(compareMembers).map(taskIdOfMember);
  }
}
