import {
  byFinishTime,
  isTaskFinished,
  refuseTableArchive,
  type ExpiredTask,
  type ExpiredTaskQuery,
  type PurgeOptions,
  type TaskRetention,
  type TaskState,
} from '@tasker/core';
import { idempotencySuffix, indexSuffix, stepField, type ShardKeys } from './redis-keys.js';
import { RedisSeam } from './redis-seam.js';
import { SCRIPTS } from './scripts.js';

/** The steps-hash field that marks a step (see `redis-keys.ts`): its name follows. */
const POSITION = stepField('position', '');

/** The task fields a purge names keys by, in the order they are read. */
const NAMING_FIELDS = ['state', 'namespace', 'name', 'version', 'correlationId', 'idempotencyKey'] as const;

/**
 * Retention on Redis: expired tasks listed from each shard's `idx:finished:<state>` (ids scored by finish time,
 * kept by the create and commit scripts) and merged in finish order.
 *
 * A task is purged by one script on its shard (its keys, map steps' items, index entries and lease token, every key in KEYS), which
 * deletes nothing if the task changed since it was read; then its events leave the event log and its idempotency
 * key is freed, each in its own slot. A crash between them leaves events of a task that is gone (read by no task
 * query; the event log's own retention deletes them) or an idempotency key naming a task that is gone (a new
 * creation with that key takes it over: see `RedisCreations`).
 */
export class RedisRetention extends RedisSeam implements Omit<TaskRetention, 'archivesToTable'> {
  async listExpiredTasks(query: ExpiredTaskQuery): Promise<ExpiredTask[]> {
    const perShard = await Promise.all(this.keys.shards.map((shard) => this.#expiredOf(shard, query)));
    const listed = perShard.flat().sort(byFinishTime).slice(0, query.limit);
    const read = await this.readPerTask(
      listed.map(({ id }) => id),
      (pipeline, keys) => pipeline.hmget(keys.task, 'namespace', 'name', 'version'),
    );
    return listed.flatMap(({ id, finishedAt }) => {
      const [namespace, name, version] = read.get(id)![0] as Array<string | null>;
      if (namespace == null || name == null || version == null) return [];
      return [{ id, finishedAt, state: query.state, ...decoded({ namespace, name, version }) }];
    });
  }

  /** Up to `limit` of one shard's expired tasks after the query's cursor, in finish order. */
  async #expiredOf(
    shard: ShardKeys,
    { state, before, after, limit }: ExpiredTaskQuery,
  ): Promise<Array<{ id: string; finishedAt: number }>> {
    const found: Array<{ id: string; finishedAt: number }> = [];
    // Tasks tied with the cursor's time come back with it and are skipped here, so the range is read in pages.
    for (let offset = 0; found.length < limit; offset += limit) {
      this.countCommand();
      const page = await this.client.zrange(
        shard.finished(state),
        after?.finishedAt ?? '-inf',
        `(${before}`,
        'BYSCORE',
        'LIMIT',
        offset,
        limit,
        'WITHSCORES',
      );
      for (let index = 0; index < page.length; index += 2) {
        const task = { id: page[index]!, finishedAt: Number(page[index + 1]) };
        if (!after || byFinishTime(after, task) < 0) found.push(task);
      }
      if (page.length < 2 * limit) break;
    }
    return found.slice(0, limit);
  }

  /** Reads what names each task's keys (one pipeline per shard), then purges the tasks at once. */
  async purgeTasks(taskIds: readonly string[], options?: PurgeOptions): Promise<string[]> {
    refuseTableArchive('the Redis store', options);
    if (taskIds.length === 0) return [];
    const read = await this.readPerTask(taskIds, (pipeline, keys) =>
      pipeline
        .hmget(keys.task, ...NAMING_FIELDS)
        .lrange(keys.annotations, 0, -1)
        .hkeys(keys.steps),
    );
    const purged = await Promise.all(
      taskIds.map(async (id) => {
        const [stored, annotations, stepFields] = read.get(id)! as [Array<string | null>, string[], string[]];
        const steps = stepFields.flatMap((field) => (field.startsWith(POSITION) ? [field.slice(POSITION.length)] : []));
        return (await this.#purgeOne(id, stored, annotations, steps)) ? [id] : [];
      }),
    );
    return purged.flat();
  }

  async #purgeOne(id: string, stored: Array<string | null>, annotations: string[], steps: string[]): Promise<boolean> {
    const [state, namespace, name, version, correlationId, idempotencyKey] = stored;
    if (state == null || namespace == null || name == null || version == null || correlationId == null) return false;
    const task = decoded({ state, namespace, name, version, correlationId });
    if (!isTaskFinished(task.state as TaskState)) return false;
    const shard = this.keys.shardOf(id);
    const keys = this.keys.task(id);
    const types = [...new Set(annotations.map((annotation) => (JSON.parse(annotation) as { type: string }).type))];
    const scriptKeys = [
      shard.claimable,
      shard.leased,
      shard.owners,
      shard.tokens,
      keys.task,
      keys.steps,
      keys.transitions,
      keys.annotations,
      keys.snapshot,
      keys.signals,
      shard.all,
      shard.state(task.state),
      shard.finished(task.state),
      shard.unfinished,
      shard.outbox,
      shard.index(indexSuffix('namespace', task.namespace)),
      shard.index(indexSuffix('name', task.name)),
      shard.index(indexSuffix('version', task.version)),
      shard.index(indexSuffix('correlation', task.correlationId)),
      ...types.map((type) => shard.index(indexSuffix('annotation', type))),
      ...steps.map((step) => this.keys.stepItems(id, step)),
    ];
    const outboxEntry = `${JSON.stringify([id]).slice(0, -1)},`;
    const purged =
      Number(
        await this.runScript(SCRIPTS.purgeTask, scriptKeys, [id, state, annotations.length, outboxEntry, types.length]),
      ) === 1;
    if (!purged) return false;
    await Promise.all([
      this.runScript(SCRIPTS.purgeTaskEvents, [this.keys.events, this.keys.taskEvents(id)], []),
      idempotencyKey == null
        ? undefined
        : this.runScript(
            SCRIPTS.releaseIdempotencyKey,
            [this.keys.idempotency(idempotencySuffix(task, JSON.parse(idempotencyKey) as string))],
            [id],
          ),
    ]);
    return true;
  }
}

/** Stored field values are JSON strings: decoded here. */
function decoded<T extends Record<string, string>>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, JSON.parse(value) as string])) as T;
}
