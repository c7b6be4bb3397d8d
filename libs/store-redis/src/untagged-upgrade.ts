import { FINISHED_TASK_STATES, TaskerError } from '@tasker/core';
import { isCluster } from './connect-client.js';
import { taskIdOfMember } from './index-member.js';
import { indexSuffix, type TaskKeys } from './redis-keys.js';
import { RedisSeam } from './redis-seam.js';

/** The data model versions whose keys had no hash tags, which {@link UntaggedUpgrade} moves. */
export const UNTAGGED_VERSIONS = ['1', '2'];

/** How many keys one SCAN step returns, and how many tasks one backfill read takes. */
const PAGE = 1_000;

/** The per-task keys of data models 1 and 2 (`<name>:<task id>`), by the {@link TaskKeys} field they become. */
const TASK_KEY_NAMES: Record<string, Exclude<keyof TaskKeys, 'shard'>> = {
  task: 'task',
  steps: 'steps',
  transitions: 'transitions',
  annotations: 'annotations',
  snapshot: 'snapshot',
  signals: 'signals',
};

/**
 * Moves a prefix of data model 1 or 2 (one server, keys without hash tags) into data model 3, for `migrate()`:
 * every task's keys into its shard's slot, each index's members into their tasks' shards, the lease owner and token
 * from the task's hash into the shard's `owners` and `tokens`, the event log, subscribers, webhook deliveries and
 * schedules into the store-wide slot. Version 1 kept no claim index: its unfinished tasks become claimable at once.
 * Finished tasks enter retention's index (`idx:finished:<state>`) by their `updatedAt`.
 *
 * Key by key (SCAN), so not atomic: stop the processes of the older version first. A run cut short is finished by
 * the next `migrate()`, since the untagged `schema` key is deleted last and every step can be done twice.
 */
export class UntaggedUpgrade extends RedisSeam {
  /** @throws TaskerError `STORE_SCHEMA_MISMATCH` on a Redis Cluster, where no untagged prefix can be moved. */
  async upgrade(version: string): Promise<void> {
    if (isCluster(this.client)) {
      throw new TaskerError(
        'STORE_SCHEMA_MISMATCH',
        `Redis prefix '${this.keys.prefix}' holds data model version ${version}, which only a single server upgrades`,
      );
    }
    for await (const key of this.#untaggedKeys()) await this.#move(key.slice(this.keys.prefix.length), key);
    if (version === '1') await this.#claimUnfinished();
    await this.#indexFinished();
    this.countCommand();
    await this.client.del(this.keys.untaggedSchema);
  }

  async *#untaggedKeys(): AsyncGenerator<string> {
    const tagged = `${this.keys.prefix}{`;
    let cursor = '0';
    do {
      this.countCommand();
      const [next, keys] = await this.client.scan(cursor, 'MATCH', `${this.keys.prefix}*`, 'COUNT', PAGE);
      yield* keys.filter((key) => !key.startsWith(tagged));
      cursor = next;
    } while (cursor !== '0');
  }

  async #move(name: string, key: string): Promise<void> {
    const colon = name.indexOf(':');
    const [kind, rest] = colon < 0 ? [name, ''] : [name.slice(0, colon), name.slice(colon + 1)];
    const taskKey = TASK_KEY_NAMES[kind];
    if (taskKey !== undefined) {
      if (kind === 'task') await this.#moveLease(rest, key);
      return this.#rename(key, this.keys.task(rest)[taskKey]);
    }
    if (kind === 'idx') return this.#spreadIndex(rest, key);
    const global: Record<string, string | undefined> = {
      events: this.keys.events,
      'task-events': this.keys.taskEvents(rest),
      subscriber: this.keys.subscriber(rest),
      'webhook-deliveries': this.keys.webhookDeliveries(rest),
      'webhook-deliveries-seq': this.keys.webhookSequence,
      webhooks: this.keys.webhooks,
      schedule: this.keys.schedule(rest),
      schedules: this.keys.schedules,
    };
    if (global[kind] !== undefined) return this.#rename(key, global[kind]);
    // A record of recent batches, or of a retention backfill: data model 3 keeps its own.
    if (kind === 'commit' || kind === 'retention-indexed') {
      this.countCommand();
      await this.client.del(key);
    }
    // `schema` goes last; `idempotency:` keys keep their name.
  }

  /** Renames `from` to `to`, unless a run cut short moved it already. */
  async #rename(from: string, to: string): Promise<void> {
    this.countCommand();
    await this.client.rename(from, to).catch((error: unknown) => {
      if (!(error instanceof Error && error.message.includes('no such key'))) throw error;
    });
  }

  /** The lease fields a task hash of data models 1 and 2 kept, into its shard's `owners` and `tokens`. */
  async #moveLease(taskId: string, key: string): Promise<void> {
    this.countCommand();
    const [owner, token] = await this.client.hmget(key, '@owner', '@token');
    const shard = this.keys.shardOf(taskId);
    const transaction = this.client.multi();
    if (owner != null) transaction.hset(shard.owners, taskId, owner);
    if (token != null) transaction.hset(shard.tokens, taskId, token);
    transaction.hdel(key, '@owner', '@token');
    this.countCommand();
    await transaction.exec();
  }

  /** Each member of index `idx:<suffix>` into the same index of its task's shard, with its score. */
  async #spreadIndex(suffix: string, key: string): Promise<void> {
    // Retention's index holds task ids, every other index members (`<time> <id>`).
    const idOf = suffix.startsWith('finished:') ? (member: string) => member : taskIdOfMember;
    this.countCommand();
    const entries = await this.client.zrange(key, 0, '-1', 'WITHSCORES');
    const transaction = this.client.multi();
    for (let index = 0; index + 1 < entries.length; index += 2) {
      const member = entries[index]!;
      transaction.zadd(this.keys.shardOf(idOf(member)).index(suffix), entries[index + 1]!, member);
    }
    transaction.del(key);
    this.countCommand();
    await transaction.exec();
  }

  /** Version 1's unfinished tasks, claimable at once: score 0 unless a claim index gives them another already. */
  async #claimUnfinished(): Promise<void> {
    for (const shard of this.keys.shards) {
      this.countCommand();
      // ioredis' typing of ZUNIONSTORE takes no MAX aggregate.
      await this.client.call(
        'ZUNIONSTORE',
        shard.claimable,
        2,
        shard.claimable,
        shard.unfinished,
        'WEIGHTS',
        1,
        0,
        'AGGREGATE',
        'MAX',
      );
    }
  }

  /** The finished tasks into retention's index by their `updatedAt`, keeping a score already there (NX). */
  async #indexFinished(): Promise<void> {
    for (const shard of this.keys.shards) {
      for (const state of FINISHED_TASK_STATES) {
        for (let start = 0; ; start += PAGE) {
          this.countCommand();
          const members = await this.client.zrange(
            shard.index(indexSuffix('state', state)),
            start,
            String(start + PAGE - 1),
          );
          if (members.length === 0) break;
          const ids = members.map(taskIdOfMember);
          const read = await this.readPerTask(ids, (pipeline, keys) => pipeline.hget(keys.task, 'updatedAt'));
          const writes = this.client.multi();
          for (const id of ids) {
            const [finishedAt] = read.get(id)! as [string | null];
            if (finishedAt !== null) writes.zadd(shard.finished(state), 'NX', finishedAt, id);
          }
          this.countCommand();
          await writes.exec();
        }
      }
    }
  }
}
