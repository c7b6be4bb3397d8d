import { randomUUID } from 'node:crypto';
import {
  NotFoundError,
  TASK_STATES,
  isTaskFinished,
  type CommitResult,
  type TaskState,
  type TaskWrite,
} from '@tasker/core';
import { pipelineReplies } from './pipeline-replies.js';
import type { RedisEventLog } from './redis-event-log.js';
import type { RedisKeys } from './redis-keys.js';
import { groupByShard, RedisSeam } from './redis-seam.js';
import { isCluster, type RedisClient } from './connect-client.js';
import type { RollupNames } from './rollup-names.js';
import { indexSuffix } from './redis-keys.js';
import { writeArgument, type WriteArgument } from './script-arguments.js';
import { SCRIPTS } from './scripts.js';

const STATES = JSON.stringify(TASK_STATES);
const NOT_FOUND = 'TASK_NOT_FOUND ';

/**
 * Group commits on Redis: the writes of a batch go to their tasks' shards, one commit script per shard (all sent
 * at once), and the events they put in the shards' outboxes are then appended to the event log (see
 * {@link RedisEventLog}), before the commit resolves: a reader that sees the commit's effect finds its events.
 *
 * A batch of one shard is checked and applied atomically by its script. A batch of several is first checked for
 * unknown tasks on every shard (a batch naming one applies nothing, so that the write queue can split it and retry
 * the halves under new ids without applying any write twice); a task deleted between the check and the commit
 * fails that shard's part alone. Each shard remembers the batch ids it applied, so a batch retried after a lost
 * reply applies nowhere twice. If the process dies between the shards' scripts, the shards it reached hold their
 * writes and the others not: each task's write is whole or absent, and the tasks' leases lapse to another worker,
 * which resumes each from what it finds.
 */
export class RedisCommits extends RedisSeam {
  /** Names this store instance's record of recently committed batches (see commit.lua). */
  readonly #instanceId = randomUUID();
  #batchSequence = 0;
  /** Whether the event log's append is sent with the commit (one server, one shard: see append-outbox.lua). */
  readonly #appendsWithCommit: boolean;

  constructor(
    client: RedisClient,
    keys: RedisKeys,
    countCommand: () => void,
    private readonly eventLog: RedisEventLog,
    private readonly rollups: RollupNames,
  ) {
    super(client, keys, countCommand);
    this.#appendsWithCommit = !isCluster(client) && keys.shardCount === 1;
  }

  async commit(writes: readonly TaskWrite[], batchId: string): Promise<CommitResult> {
    const batch = writes.map(writeArgument);
    const byShard = groupByShard(batch, (write) => this.keys.shardOf(write.id).shard);
    if (byShard.size > 1) await Promise.all([...byShard].map(([shard, part]) => this.#checkExist(shard, part)));
    await this.#learnRollups(batch);
    const sequence = ++this.#batchSequence;
    const replies = await Promise.all(
      [...byShard].map(async ([shard, part]) => ({
        shard,
        ...(await this.#commitShard(shard, part, batchId, sequence)),
      })),
    );
    const outboxes = new Map(replies.flatMap(({ shard, outbox }) => (outbox.length > 0 ? [[shard, outbox]] : [])));
    if (outboxes.size > 0) {
      // The batch's events go to the log in the batch's order, across shards.
      const rank = new Map(batch.flatMap((write) => write.events ?? []).map((entry, index) => [entry, index]));
      await this.eventLog.append(outboxes, rank);
    }
    for (const write of batch)
      if (write.state !== undefined && isTaskFinished(write.state as TaskState)) this.rollups.forget(write.id);
    const fenced = new Set(replies.flatMap((reply) => reply.fenced));
    return { fenced: [...new Set(writes.map((write) => write.taskId))].filter((taskId) => fenced.has(taskId)) };
  }

  /** Reads the rollup of each task of the batch the store does not know yet (see {@link RollupNames}). */
  async #learnRollups(batch: readonly WriteArgument[]): Promise<void> {
    const unknown = batch.filter((write) => this.rollups.of(write.id) === undefined).map((write) => write.id);
    if (unknown.length === 0) return;
    const read = await this.readPerTask(unknown, (pipeline, keys) => pipeline.hget(keys.task, '@rollup'));
    for (const [id, [rollup]] of read) this.rollups.remember(id, (rollup as string | null) ?? null);
  }

  /** One EXISTS of all the shard's tasks (one slot); only when some are missing, one per task to name one. */
  async #checkExist(shard: number, writes: readonly WriteArgument[]): Promise<void> {
    const keys = [...new Set(writes.map((write) => this.keys.task(write.id).task))];
    this.countCommand();
    if ((await this.client.exists(...keys)) === keys.length) return;
    const pipeline = this.client.pipeline();
    for (const key of keys) pipeline.exists(key);
    const found = await pipelineReplies(pipeline);
    this.countCommands(found.length);
    const missing = writes.find((write) => found[keys.indexOf(this.keys.task(write.id).task)] === 0);
    if (missing !== undefined) throw notFound(`no task ${missing.id} to write to (shard ${shard})`);
  }

  /** The position in KEYS of the task's rollup, added by `at`, if it has one. */
  #rollupPosition(taskId: string, at: (key: string) => number): { rollup?: number } {
    const rollup = this.rollups.of(taskId);
    return rollup ? { rollup: at(rollup) } : {};
  }

  async #commitShard(
    shard: number,
    writes: WriteArgument[],
    batchId: string,
    sequence: number,
  ): Promise<{ fenced: string[]; outbox: string[] }> {
    const shardKeys = this.keys.shards[shard]!;
    const keys = [
      shardKeys.claimable,
      shardKeys.leased,
      shardKeys.owners,
      shardKeys.tokens,
      shardKeys.unfinished,
      shardKeys.commits(this.#instanceId),
      shardKeys.outbox,
      shardKeys.outboxSequence,
      ...shardKeys.states,
      ...shardKeys.finishedByState,
    ];
    const positioned = writes.map((write) => {
      const task = this.keys.task(write.id);
      const at = (key: string) => keys.push(key);
      const k = {
        task: at(task.task),
        steps: at(task.steps),
        transitions: at(task.transitions),
        annotations: at(task.annotations),
        snapshot: at(task.snapshot),
        annotationIndexes: (write.annotationTypes ?? []).map((type) =>
          at(shardKeys.index(indexSuffix('annotation', type))),
        ),
        // Each map step's items hash, by step name, for the write's items (`[step, index, JSON]` in turn).
        items: Object.fromEntries(
          [...new Set((write.items ?? []).filter((_, index) => index % 3 === 0))].map((step) => [
            step,
            at(this.keys.stepItems(write.id, step)),
          ]),
        ),
        ...this.#rollupPosition(write.id, at),
      };
      return { ...write, k };
    });
    const committing = this.runScript(SCRIPTS.commit, keys, [
      batchId,
      sequence,
      JSON.stringify(positioned),
      STATES,
      this.eventLog.appendedUpTo(shard),
    ]) as Promise<[string[], string[]]>;
    // On one server with one shard, the append goes right behind the commit, in the same round trip.
    const withEvents = [...new Set(writes.flatMap((write) => (write.events ? [write.id] : [])))];
    const appending =
      this.#appendsWithCommit && withEvents.length > 0 ? this.eventLog.appendOnServer(withEvents) : undefined;
    let reply: [string[], string[]];
    try {
      reply = await committing;
    } catch (error) {
      await appending?.catch(() => undefined);
      if (error instanceof Error && error.message.startsWith(NOT_FOUND))
        throw notFound(error.message.slice(NOT_FOUND.length));
      throw error;
    }
    const [fenced, outbox] = reply;
    // The outbox answered is `[member, sequence, ...]`: all of it is in the log if the append got past its last.
    const appended = (await appending) ?? 0;
    return { fenced, outbox: outbox.length > 0 && appended >= Number(outbox.at(-1)) ? [] : outbox };
  }
}

function notFound(message: string): NotFoundError {
  return new NotFoundError('TASK_NOT_FOUND', `RedisStore: ${message}`);
}
