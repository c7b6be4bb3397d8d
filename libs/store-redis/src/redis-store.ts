import { randomUUID } from 'node:crypto';
import {
  TaskerError,
  type ActivityFilter,
  type HeldSlot,
  type SlotGrant,
  type SlotRequest,
  type TokenGrant,
  type TokenRequest,
  type AnnotationRecord,
  type ClaimRequest,
  type ClaimResult,
  type CommitResult,
  type CreateTaskResult,
  type EventPurge,
  type EventQuery,
  type Lease,
  type LoggedEvent,
  type LeaseRelease,
  type LeaseTerms,
  type NewTask,
  type StepItemCounts,
  type StepItemPage,
  type StepItemRecord,
  type StepRecord,
  type StoredSnapshot,
  type StoredTask,
  type StepFigures,
  type TaskActivity,
  type TaskFigures,
  type TaskFilter,
  type TaskPage,
  type TaskRecord,
  type StoreErrorKind,
  type SubscriberClaim,
  type SubscriberHold,
  type WebhookDelivery,
  type WebhookDeliveryQuery,
  type ScheduleAdvance,
  type ScheduleRecord,
  type TaskStore,
  type TaskWrite,
  type TransitionRecord,
  type WorkerLeases,
  type SendSignalOutcome,
  type SentSignal,
  type ExpiredTask,
  type ExpiredTaskQuery,
  type PurgeOptions,
} from '@tasker/core';
import { classifyRedisError } from './classify-error.js';
import { isCluster, type RedisClient } from './connect-client.js';
import { parseJsonList, stepsFromHash, taskFromHash } from './record-codec.js';
import { RedisCommits } from './redis-commits.js';
import { RedisCreations } from './redis-creations.js';
import { rollupStepFigures, rollupTaskFigures } from './redis-rollups.js';
import { RollupNames } from './rollup-names.js';
import { RedisEventLog } from './redis-event-log.js';
import { RedisKeys } from './redis-keys.js';
import { RedisLeases } from './redis-leases.js';
import { RedisQueries } from './redis-queries.js';
import { RedisRetention } from './redis-retention.js';
import { RedisSchedules } from './redis-schedules.js';
import { RedisSubscribers } from './redis-subscribers.js';
import { RedisWebhookDeliveries } from './redis-webhook-deliveries.js';
import { newTaskArgument } from './script-arguments.js';
import { SCRIPTS } from './scripts.js';
import { UNTAGGED_VERSIONS, UntaggedUpgrade } from './untagged-upgrade.js';
import { RedisLimits } from './redis-limits.js';
import { WorkWatchers } from './work-watchers.js';

/**
 * The version of the data model described in `redis-keys.ts`. Version 3 gave every key a hash tag and spread the
 * tasks over shards (for Redis Cluster); `migrate()` moves a prefix of version 1 or 2 (untagged keys) into it.
 */
export const REDIS_SCHEMA_VERSION = 3;

/** The shard count of a store on a Redis Cluster when none is given. */
export const DEFAULT_CLUSTER_SHARDS = 16;

/** How a {@link RedisStore} names and spreads its keys. */
export interface RedisStoreOptions {
  /** Prepended to every key, so several apps or test runs share one server. `tasker:` when absent; no braces. */
  prefix?: string;
  /**
   * How many shards (hash-tag slots) the tasks of the prefix are spread over, 1 to 1024: on a Redis Cluster each
   * shard may live on another node. 1 on a single server, {@link DEFAULT_CLUSTER_SHARDS} on a cluster when absent.
   * Recorded by `migrate()`: every store of a prefix must use the same count.
   */
  shards?: number;
}

/**
 * A {@link TaskStore} on Redis 7 or later: one server, a primary, or a Redis Cluster. The data model is described
 * in `redis-keys.ts`: a task's keys and its shard's indexes share a hash tag, so every change of one shard is one
 * Lua script, atomic, and one round trip: `createTask` (task, steps and index entries), `commit` (the writes of a
 * group-commit batch to one shard, fencing checked write by write), each lease operation (see `RedisLeases`).
 * Operations over several shards send one script per shard at once; the event log lives in a slot of its own,
 * appended after the commit from the shards' outboxes (see `RedisEventLog`). `watchWork` listens on a pub/sub
 * channel of the prefix, with a connection of its own. Create it with {@link createRedisStore}.
 */
export class RedisStore implements TaskStore {
  readonly prefix: string;
  readonly #client: RedisClient;
  readonly #owned: boolean;
  readonly #keys: RedisKeys;
  readonly #creations: RedisCreations;
  readonly #commits: RedisCommits;
  readonly #queries: RedisQueries;
  readonly #leases: RedisLeases;
  readonly #watchers: WorkWatchers;
  readonly #eventLog: RedisEventLog;
  readonly #subscribers: RedisSubscribers;
  readonly #webhookDeliveries: RedisWebhookDeliveries;
  readonly #schedules: RedisSchedules;
  readonly #retention: RedisRetention;
  readonly #limits: RedisLimits;
  #commands = 0;
  readonly #countCommand = () => {
    this.#commands++;
  };

  /** @throws InvalidRequestError when the prefix holds a brace or the shard count is out of range. */
  constructor(client: RedisClient, owned: boolean, options: RedisStoreOptions = {}) {
    this.#client = client;
    this.#owned = owned;
    this.prefix = options.prefix ?? 'tasker:';
    const keys = new RedisKeys(this.prefix, options.shards ?? (isCluster(client) ? DEFAULT_CLUSTER_SHARDS : 1));
    const count = this.#countCommand;
    this.#keys = keys;
    this.#eventLog = new RedisEventLog(client, keys, count);
    const rollups = new RollupNames();
    this.#creations = new RedisCreations(client, keys, count, rollups);
    this.#commits = new RedisCommits(client, keys, count, this.#eventLog, rollups);
    this.#queries = new RedisQueries(client, keys, count, rollups);
    this.#leases = new RedisLeases(client, keys, count);
    this.#watchers = new WorkWatchers(client, keys.workChannel);
    this.#subscribers = new RedisSubscribers(client, keys, count);
    this.#webhookDeliveries = new RedisWebhookDeliveries(client, keys, count);
    this.#schedules = new RedisSchedules(client, keys, count);
    this.#retention = new RedisRetention(client, keys, count);
    this.#limits = new RedisLimits(client, keys, count);
  }

  /** How many shards the store spreads its tasks over (see {@link RedisStoreOptions.shards}). */
  get shards(): number {
    return this.#keys.shardCount;
  }

  saveSchedule(schedule: ScheduleRecord): Promise<void> {
    return this.#schedules.save(schedule);
  }

  getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    return this.#schedules.get(id);
  }

  listSchedules(): Promise<ScheduleRecord[]> {
    return this.#schedules.list();
  }

  deleteSchedule(id: string): Promise<boolean> {
    return this.#schedules.delete(id);
  }

  advanceSchedule(id: string, from: number, advance: ScheduleAdvance): Promise<boolean> {
    return this.#schedules.advance(id, from, advance);
  }

  acquireSlot(request: SlotRequest): Promise<SlotGrant> {
    return this.#limits.acquireSlot(request);
  }

  renewSlots(slots: HeldSlot[], until: number): Promise<void> {
    return this.#limits.renewSlots(slots, until);
  }

  releaseSlot(slot: HeldSlot): Promise<void> {
    return this.#limits.releaseSlot(slot);
  }

  takeToken(request: TokenRequest): Promise<TokenGrant> {
    return this.#limits.takeToken(request);
  }

  /** Redis commands this store has sent so far (a script run is one; a retry as EVAL after NOSCRIPT is two). */
  get commandCount(): number {
    return this.#commands;
  }

  /**
   * Records the data model's version and the shard count under the prefix, or checks the ones recorded. A prefix of
   * data model 1 or 2 (keys without hash tags, one server) is upgraded first (see {@link UntaggedUpgrade}: stop the
   * processes of the older version before). Redis needs no schema, so this is otherwise a guard against a prefix
   * written by an incompatible store (or one of another shard count, which would look for tasks in other slots);
   * safe when several processes start at once.
   * @throws TaskerError `STORE_SCHEMA_MISMATCH` when the prefix holds another version or shard count.
   */
  async migrate(): Promise<void> {
    const mismatch = (found: string) =>
      new TaskerError(
        'STORE_SCHEMA_MISMATCH',
        `Redis prefix '${this.prefix}' holds ${found}; this store reads data model version ${REDIS_SCHEMA_VERSION} with ${this.shards} shards`,
      );
    this.#commands++;
    const untagged = await this.#client.get(this.#keys.untaggedSchema);
    if (untagged !== null) {
      if (!UNTAGGED_VERSIONS.includes(untagged)) throw mismatch(`data model version ${untagged}`);
      await new UntaggedUpgrade(this.#client, this.#keys, this.#countCommand).upgrade(untagged);
    }
    const recorded = (await SCRIPTS.migrate.run(
      this.#client,
      [this.#keys.schema, this.#keys.shardCountKey],
      [REDIS_SCHEMA_VERSION, this.shards],
      this.#countCommand,
    )) as [string, string] | null;
    if (recorded !== null) throw mismatch(`data model version ${recorded[0]} with ${recorded[1] || '?'} shards`);
  }

  /**
   * The creations of a batch, all sent at once (see {@link RedisCreations}), but for a request whose idempotency key
   * an earlier request of the batch has too: it waits for that one, so that it finds the task the first created
   * (on a cluster, calls to different nodes may be answered in any order). Every request is checked before the
   * first is sent. Each unleased task publishes its own notification: a watching worker that is claiming already
   * folds them into one more claim.
   */
  async createTasks(requests: readonly NewTask[]): Promise<CreateTaskResult[]> {
    const created = requests.map((request) => ({ task: request.task, argument: newTaskArgument(request) }));
    const byKey = new Map<string, Promise<unknown>>();
    return Promise.all(
      created.map(({ task, argument }) => {
        // Whatever became of the earlier request, this one then runs.
        const earlier = argument.idempotency === undefined ? undefined : byKey.get(argument.idempotency);
        const creation = (earlier?.catch(() => undefined) ?? Promise.resolve()).then(() =>
          this.#creations.create(task, argument),
        );
        if (argument.idempotency !== undefined) byKey.set(argument.idempotency, creation);
        return creation;
      }),
    );
  }

  async createTask(task: TaskRecord, steps: StepRecord[]): Promise<CreateTaskResult> {
    return this.#creations.create(task, newTaskArgument({ task, steps }));
  }

  /**
   * Commits a batch, one script per shard it touches (see {@link RedisCommits}). The write queue retries a failed
   * batch with the same id: each shard skips a batch it applied although its reply was lost.
   */
  async commit(writes: readonly TaskWrite[], batch: { id: string } = { id: randomUUID() }): Promise<CommitResult> {
    if (writes.length === 0) return { fenced: [] };
    return this.#commits.commit(writes, batch.id);
  }

  /** A missing task is lost, a script's refusal of the data rejected, the rest transient: see {@link classifyRedisError}. */
  classifyError(error: unknown): StoreErrorKind {
    return classifyRedisError(error);
  }

  claimTasks(request: ClaimRequest): Promise<ClaimResult> {
    return this.#leases.claimTasks(request);
  }

  claimTask(taskId: string, terms: LeaseTerms): Promise<Lease | undefined> {
    return this.#leases.claimTask(taskId, terms);
  }

  renewLeases(workerId: string, leases: readonly Lease[], until: number): Promise<string[]> {
    return this.#leases.renewLeases(workerId, leases, until);
  }

  releaseLeases(releases: readonly LeaseRelease[]): Promise<void> {
    return this.#leases.releaseLeases(releases);
  }

  countWaiting(now: number): Promise<number> {
    return this.#leases.countWaiting(now);
  }

  listWorkers(now: number): Promise<WorkerLeases[]> {
    return this.#leases.listWorkers(now);
  }

  /** Subscribes on a connection of its own (a duplicate of the store's client), closed by the returned function. */
  watchWork(onWork: () => void): Promise<() => Promise<void>> {
    this.#commands++;
    return this.#watchers.watch(onWork);
  }

  readEvents(query: EventQuery): Promise<LoggedEvent[]> {
    return this.#eventLog.readEvents(query);
  }

  lastEventId(): Promise<string | undefined> {
    return this.#eventLog.lastEventId();
  }

  /** Blocks on XREAD on a connection of its own, closed by the returned function (see {@link RedisEventLog}). */
  watchEvents(onEvents: () => void): Promise<() => Promise<void>> {
    return this.#eventLog.watchEvents(onEvents);
  }

  purgeEvents(purge: EventPurge): Promise<number> {
    return this.#eventLog.purgeEvents(purge);
  }

  listExpiredTasks(query: ExpiredTaskQuery): Promise<ExpiredTask[]> {
    return this.#retention.listExpiredTasks(query);
  }

  /** Redis keeps no archive table: archive to a directory instead. */
  readonly archivesToTable = false;

  purgeTasks(taskIds: readonly string[], options?: PurgeOptions): Promise<string[]> {
    return this.#retention.purgeTasks(taskIds, options);
  }

  claimSubscriber(claim: SubscriberClaim): Promise<SubscriberHold | undefined> {
    return this.#subscribers.claimSubscriber(claim);
  }

  saveSubscriberPosition(name: string, token: number, position: string): Promise<boolean> {
    return this.#subscribers.saveSubscriberPosition(name, token, position);
  }

  releaseSubscriber(name: string, token: number): Promise<void> {
    return this.#subscribers.releaseSubscriber(name, token);
  }

  readSubscriberPosition(name: string): Promise<string | undefined> {
    return this.#subscribers.readSubscriberPosition(name);
  }

  recordWebhookDelivery(delivery: WebhookDelivery, keepNewest: number): Promise<void> {
    return this.#webhookDeliveries.recordWebhookDelivery(delivery, keepNewest);
  }

  listWebhookDeliveries(query: WebhookDeliveryQuery): Promise<WebhookDelivery[]> {
    return this.#webhookDeliveries.listWebhookDeliveries(query);
  }

  async getTask(taskId: string): Promise<TaskRecord | undefined> {
    this.#commands++;
    return taskFromHash(Object.entries(await this.#client.hgetall(this.#keys.task(taskId).task)));
  }

  async sendSignal(signal: SentSignal): Promise<SendSignalOutcome> {
    const { taskId, name, payload, sentAt } = signal;
    const shard = this.#keys.shardOf(taskId);
    const keys = this.#keys.task(taskId);
    return (await SCRIPTS.sendSignal.run(
      this.#client,
      [shard.claimable, shard.owners, keys.task, keys.signals],
      [taskId, name, JSON.stringify({ payload, sentAt }), sentAt, this.#keys.workChannel],
      this.#countCommand,
    )) as SendSignalOutcome;
  }

  async readSignals(taskId: string): Promise<SentSignal[]> {
    this.#commands++;
    const stored = await this.#client.hgetall(this.#keys.task(taskId).signals);
    return Object.entries(stored)
      .map(([name, value]) => {
        const { payload, sentAt } = JSON.parse(value) as Pick<SentSignal, 'payload' | 'sentAt'>;
        return { taskId, name, payload, sentAt };
      })
      .sort((a, b) => a.sentAt - b.sentAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async getStepItems(taskId: string, stepName: string, page: StepItemPage = {}): Promise<StepItemRecord[]> {
    const items = await this.#allItems(taskId, stepName);
    const offset = page.offset ?? 0;
    return items.slice(offset, page.limit === undefined ? undefined : offset + page.limit);
  }

  async countStepItems(taskId: string, stepName: string): Promise<StepItemCounts> {
    const counts: StepItemCounts = {};
    for (const item of await this.#allItems(taskId, stepName)) counts[item.state] = (counts[item.state] ?? 0) + 1;
    return counts;
  }

  /** Every item of one map step, in index order: one HVALS (a step's items are read whole, at most thousands). */
  async #allItems(taskId: string, stepName: string): Promise<StepItemRecord[]> {
    this.#commands++;
    const values = await this.#client.hvals(this.#keys.stepItems(taskId, stepName));
    return values.map((value) => JSON.parse(value) as StepItemRecord).sort((a, b) => a.index - b.index);
  }

  async getSteps(taskId: string): Promise<StepRecord[]> {
    this.#commands++;
    return stepsFromHash(taskId, Object.entries(await this.#client.hgetall(this.#keys.task(taskId).steps)));
  }

  async getTransitions(taskId: string): Promise<TransitionRecord[]> {
    this.#commands++;
    return parseJsonList(await this.#client.lrange(this.#keys.task(taskId).transitions, 0, -1));
  }

  async getAnnotations(taskId: string): Promise<AnnotationRecord[]> {
    this.#commands++;
    return parseJsonList(await this.#client.lrange(this.#keys.task(taskId).annotations, 0, -1));
  }

  async getSnapshot(taskId: string): Promise<StoredSnapshot | undefined> {
    this.#commands++;
    const snapshot = await this.#client.get(this.#keys.task(taskId).snapshot);
    return snapshot === null ? undefined : (JSON.parse(snapshot) as StoredSnapshot);
  }

  async loadTasks(taskIds: readonly string[]): Promise<StoredTask[]> {
    return this.#queries.loadTasks(taskIds);
  }

  async listTasks(filter: TaskFilter = {}): Promise<TaskPage> {
    return this.#queries.listTasks(filter);
  }

  async listActivity(filter: ActivityFilter): Promise<TaskActivity[]> {
    return this.#queries.listActivity(filter);
  }

  /** From the per-minute rollups the scripts keep (see `redis-rollups.ts`), not from the tasks. */
  async taskFigures(filter: ActivityFilter): Promise<TaskFigures> {
    return rollupTaskFigures(this.#client, this.#keys, filter, (count) => (this.#commands += count));
  }

  /** From the per-minute rollups the scripts keep (see `redis-rollups.ts`), not from the tasks. */
  async stepFigures(filter: ActivityFilter): Promise<StepFigures> {
    return rollupStepFigures(this.#client, this.#keys, filter, (count) => (this.#commands += count));
  }

  async listUnfinishedTaskIds(): Promise<string[]> {
    return this.#queries.listUnfinishedTaskIds();
  }

  /**
   * Closes the `watchWork` and `watchEvents` connections, and the store's connection if the store made it; a client passed in stays
   * open for its owner.
   */
  async close(): Promise<void> {
    await this.#watchers.closeAll();
    this.#eventLog.closeAll();
    if (!this.#owned) return;
    try {
      await this.#client.quit();
    } catch {
      // The server is gone: nothing is left to say goodbye to.
      this.#client.disconnect();
    }
  }
}
