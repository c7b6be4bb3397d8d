import {
  FINISHED_TASK_STATES,
  byFinishTime,
  isTaskFinished,
  refuseTableArchive,
  type ExpiredTask,
  type ExpiredTaskQuery,
  type PurgeOptions,
  type TaskRetention,
  type TaskState,
} from '@tasker/core';
import { LuaScript } from './lua-script.js';
import { pipelineReplies } from './pipeline-replies.js';
import { taskIdOfMember } from './index-member.js';
import { idempotencySuffix, indexSuffix } from './redis-keys.js';
import { RedisSeam } from './redis-seam.js';
import { PURGE_TASK_SCRIPT } from './scripts/purge-task-script.js';

const purgeTaskScript = new LuaScript(PURGE_TASK_SCRIPT);

/** Tasks read per round trip while indexing the finished tasks of an older prefix. */
const INDEX_PAGE = 1_000;

/** The task fields a purge names keys by, in the order they are read. */
const NAMING_FIELDS = ['state', 'namespace', 'name', 'version', 'correlationId', 'idempotencyKey'] as const;

/**
 * Retention on Redis: expired tasks listed from `idx:finished:<state>` (ids scored by finish time, kept by the create
 * and commit scripts), each purged by one script whose keys are all named in KEYS.
 */
export class RedisRetention extends RedisSeam implements Omit<TaskRetention, 'archivesToTable'> {
  async listExpiredTasks({ state, before, after, limit }: ExpiredTaskQuery): Promise<ExpiredTask[]> {
    const found: Array<{ id: string; finishedAt: number }> = [];
    // Tasks tied with the cursor's time come back with it and are skipped here, so the range is read in pages.
    for (let offset = 0; found.length < limit; offset += limit) {
      this.countCommand();
      const page = await this.client.zrange(
        this.keys.finished(state),
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
    const listed = found.slice(0, limit);
    const pipeline = this.client.pipeline();
    for (const { id } of listed) pipeline.hmget(this.keys.task(id), 'namespace', 'name', 'version');
    this.countCommand();
    const fields = (await pipelineReplies(pipeline)) as Array<Array<string | null>>;
    return listed.flatMap(({ id, finishedAt }, index) => {
      const [namespace, name, version] = fields[index]!;
      if (namespace == null || name == null || version == null) return [];
      return [{ id, finishedAt, state, ...decoded({ namespace, name, version }) }];
    });
  }

  /**
   * Adds the tasks that finished before `idx:finished:<state>` existed to it, once per prefix (`retention-indexed`
   * records that it was done): page by page through `idx:state:<state>`, each with its `updatedAt`, added with NX so
   * that a score the scripts wrote meanwhile stays. Safe when several processes migrate at once.
   */
  async indexFinishedTasks(): Promise<void> {
    this.countCommand();
    if ((await this.client.exists(this.keys.retentionIndexed)) === 1) return;
    for (const state of FINISHED_TASK_STATES) {
      for (let start = 0; ; start += INDEX_PAGE) {
        this.countCommand();
        const members = await this.client.zrange(
          this.keys.index(indexSuffix('state', state)),
          start,
          String(start + INDEX_PAGE - 1),
        );
        if (members.length === 0) break;
        const ids = members.map(taskIdOfMember);
        const reads = this.client.pipeline();
        for (const id of ids) reads.hget(this.keys.task(id), 'updatedAt');
        this.countCommand();
        const times = (await pipelineReplies(reads)) as Array<string | null>;
        const writes = this.client.pipeline();
        ids.forEach((id, index) => {
          const finishedAt = times[index];
          if (finishedAt != null) writes.zadd(this.keys.finished(state), 'NX', finishedAt, id);
        });
        this.countCommand();
        await pipelineReplies(writes);
      }
    }
    this.countCommand();
    await this.client.set(this.keys.retentionIndexed, '1');
  }

  /**
   * Reads what names each task's keys (one pipelined round trip), then runs one script per finished task, all sent
   * at once on the connection.
   */
  async purgeTasks(taskIds: readonly string[], options?: PurgeOptions): Promise<string[]> {
    refuseTableArchive('the Redis store', options);
    if (taskIds.length === 0) return [];
    const pipeline = this.client.pipeline();
    for (const id of taskIds) {
      pipeline.hmget(this.keys.task(id), ...NAMING_FIELDS);
      pipeline.lrange(this.keys.annotations(id), 0, -1);
    }
    this.countCommand();
    const replies = await pipelineReplies(pipeline);
    const purged = await Promise.all(
      taskIds.map(async (id, index) => {
        const stored = replies[2 * index] as Array<string | null>;
        const annotations = replies[2 * index + 1] as string[];
        const deleted = await this.#purgeOne(id, stored, annotations);
        return deleted ? [id] : [];
      }),
    );
    return purged.flat();
  }

  async #purgeOne(id: string, stored: Array<string | null>, annotations: string[]): Promise<boolean> {
    const [state, namespace, name, version, correlationId, idempotencyKey] = stored;
    if (state == null || namespace == null || name == null || version == null || correlationId == null) return false;
    const task = decoded({ state, namespace, name, version, correlationId });
    if (!isTaskFinished(task.state as TaskState)) return false;
    const { keys } = this;
    const types = [...new Set(annotations.map((annotation) => (JSON.parse(annotation) as { type: string }).type))];
    const scriptKeys = [
      keys.task(id),
      keys.steps(id),
      keys.transitions(id),
      keys.annotations(id),
      keys.snapshot(id),
      keys.signals(id),
      keys.taskEvents(id),
      keys.events,
      keys.all,
      keys.index(indexSuffix('state', task.state)),
      keys.finished(task.state),
      keys.unfinished,
      keys.claimable,
      keys.leased,
      keys.index(indexSuffix('namespace', task.namespace)),
      keys.index(indexSuffix('name', task.name)),
      keys.index(indexSuffix('version', task.version)),
      keys.index(indexSuffix('correlation', task.correlationId)),
      ...(idempotencyKey == null
        ? []
        : [keys.idempotency(idempotencySuffix(task, JSON.parse(idempotencyKey) as string))]),
      ...types.map((type) => keys.index(indexSuffix('annotation', type))),
    ];
    const args = [id, state, annotations.length, idempotencyKey == null ? '0' : '1'];
    return Number(await this.runScript(purgeTaskScript, args, scriptKeys)) === 1;
  }
}

/** Stored field values are JSON strings: decoded here. */
function decoded<T extends Record<string, string>>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, JSON.parse(value) as string])) as T;
}
