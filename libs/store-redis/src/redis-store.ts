import { classifyRedisError } from './classify-error.js';
import { randomUUID } from 'node:crypto';
import {
  NotFoundError,
  TaskerError,
  decodeTaskCursor,
  encodeTaskCursor,
  pageSize,
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
import type { Redis } from 'ioredis';
import { pageRange, taskIdOfMember } from './index-member.js';
import { listActivity } from './list-activity.js';
import { rollupStepFigures, rollupTaskFigures } from './redis-rollups.js';
import { loadTasks } from './load-tasks.js';
import { LuaScript } from './lua-script.js';
import { parseJsonList, pairsOf, stepsFromHash, taskFromHash } from './record-codec.js';
import { RedisEventLog } from './redis-event-log.js';
import { RedisLeases } from './redis-leases.js';
import { RedisRetention } from './redis-retention.js';
import { RedisSubscribers } from './redis-subscribers.js';
import { RedisWebhookDeliveries } from './redis-webhook-deliveries.js';
import { RedisSchedules } from './redis-schedules.js';
import { indexSuffix, RedisKeys } from './redis-keys.js';
import { newTaskArgument, writeArgument } from './script-arguments.js';
import { COMMIT_SCRIPT } from './scripts/commit-script.js';
import { CREATE_TASK_SCRIPT } from './scripts/create-task-script.js';
import { LIST_TASKS_SCRIPT } from './scripts/list-tasks-script.js';
import { MIGRATE_SCRIPT } from './scripts/migrate-script.js';
import { SEND_SIGNAL_SCRIPT } from './scripts/send-signal-script.js';
import { RedisLimits } from './redis-limits.js';
import { WorkWatchers } from './work-watchers.js';

/**
 * The version of the data model described in `redis-keys.ts`; `migrate()` upgrades a prefix holding version 1
 * (before leases) and refuses any other. Version 2 added the lease fields and sets: a version 1 process writing to
 * the prefix would create tasks no worker ever claims, and write without fencing.
 */
export const REDIS_SCHEMA_VERSION = 2;
const UPGRADABLE_SCHEMA_VERSION = 1;

const createTaskScript = new LuaScript(CREATE_TASK_SCRIPT);
const commitScript = new LuaScript(COMMIT_SCRIPT);
const listTasksScript = new LuaScript(LIST_TASKS_SCRIPT);
const migrateScript = new LuaScript(MIGRATE_SCRIPT);
const sendSignalScript = new LuaScript(SEND_SIGNAL_SCRIPT);

/** How a {@link RedisStore} names its keys. */
export interface RedisStoreOptions {
  /** Prepended to every key, so several apps or test runs share one server. `tasker:` when absent. */
  prefix?: string;
}

/**
 * A {@link TaskStore} on Redis (7 or later; one server or a primary, not a cluster, since scripts compute key
 * names). The data model is described in `redis-keys.ts`.
 *
 * Every change is one Lua script, so it is atomic and costs one round trip: `createTask` (idempotency key, task,
 * steps and index entries), `commit` (a whole group-commit batch of many tasks, fencing checked write by write)
 * and each lease operation (see `RedisLeases`). Every read is one command. `watchWork` listens on a pub/sub
 * channel of the prefix, with a connection of its own. Create it with {@link createRedisStore}.
 */
export class RedisStore implements TaskStore {
  readonly prefix: string;
  readonly #client: Redis;
  readonly #owned: boolean;
  readonly #keys: RedisKeys;
  readonly #leases: RedisLeases;
  readonly #watchers: WorkWatchers;
  readonly #eventLog: RedisEventLog;
  readonly #subscribers: RedisSubscribers;
  readonly #webhookDeliveries: RedisWebhookDeliveries;
  readonly #schedules: RedisSchedules;
  readonly #retention: RedisRetention;
  readonly #limits: RedisLimits;
  /** Names this instance's record of recently committed batches (see the commit script). */
  readonly #instanceId = randomUUID();
  #batchSequence = 0;
  #commands = 0;
  readonly #countCommand = () => {
    this.#commands++;
  };

  constructor(client: Redis, owned: boolean, options: RedisStoreOptions = {}) {
    this.#client = client;
    this.#owned = owned;
    this.prefix = options.prefix ?? 'tasker:';
    this.#keys = new RedisKeys(this.prefix);
    this.#leases = new RedisLeases(client, this.prefix, this.#countCommand);
    this.#watchers = new WorkWatchers(client, this.#keys.workChannel);
    this.#eventLog = new RedisEventLog(client, this.#keys, this.#countCommand);
    this.#subscribers = new RedisSubscribers(client, this.#keys, this.#countCommand);
    this.#webhookDeliveries = new RedisWebhookDeliveries(client, this.#keys, this.#countCommand);
    this.#schedules = new RedisSchedules(client, this.#keys, this.#countCommand);
    this.#retention = new RedisRetention(client, this.#keys, this.#countCommand);
    this.#limits = new RedisLimits(client, this.#keys, this.#countCommand);
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
   * Records the data model's version under the prefix, or checks the one recorded, upgrading version 1 (its
   * unfinished tasks become claimable at once; see the migrate script), and indexes the tasks finished before
   * retention's index existed (once per prefix, see `RedisRetention.indexFinishedTasks`). Redis needs no schema, so this is
   * otherwise a guard against a prefix written by an incompatible store; safe when several processes start at once.
   * @throws TaskerError `STORE_SCHEMA_MISMATCH` when the prefix holds another version.
   */
  async migrate(): Promise<void> {
    const recorded = (await migrateScript.run(
      this.#client,
      [this.prefix, REDIS_SCHEMA_VERSION, UPGRADABLE_SCHEMA_VERSION],
      this.#countCommand,
    )) as string | null;
    if (recorded !== null) {
      throw new TaskerError(
        'STORE_SCHEMA_MISMATCH',
        `Redis prefix '${this.prefix}' holds data model version ${recorded}; this store reads version ${REDIS_SCHEMA_VERSION}`,
      );
    }
    await this.#retention.indexFinishedTasks();
  }

  /**
   * One script call per task, all sent at once on the connection (one round trip): Redis runs them in order, so a
   * key repeated in the batch finds the task the first request created. Every request is checked before the first
   * is sent. Each unleased task publishes its own notification: a watching worker that is claiming already
   * folds them into one more claim.
   */
  async createTasks(requests: readonly NewTask[]): Promise<CreateTaskResult[]> {
    const created = requests.map((request) => ({ task: request.task, argument: newTaskArgument(request) }));
    return Promise.all(created.map(({ task, argument }) => this.#create(task, argument)));
  }

  async createTask(task: TaskRecord, steps: StepRecord[]): Promise<CreateTaskResult> {
    return this.#create(task, newTaskArgument({ task, steps }));
  }

  async #create(task: TaskRecord, argument: string): Promise<CreateTaskResult> {
    const reply = (await createTaskScript.run(this.#client, [this.prefix, argument], this.#countCommand)) as [
      number,
      string[]?,
    ];
    if (reply[0] === 1) return { task: JSON.parse(JSON.stringify(task)) as TaskRecord, created: true };
    return { task: taskFromHash(pairsOf(reply[1] ?? []))!, created: false };
  }

  async commit(writes: readonly TaskWrite[], batch: { id: string } = { id: randomUUID() }): Promise<CommitResult> {
    if (writes.length === 0) return { fenced: [] };
    // The write queue retries a failed batch with the same id: the script skips a batch it applied although its
    // reply was lost.
    const token = batch.id;
    const argument = JSON.stringify(writes.map(writeArgument));
    try {
      const fenced = (await commitScript.run(
        this.#client,
        [this.prefix, this.#instanceId, token, ++this.#batchSequence, argument],
        this.#countCommand,
      )) as string[];
      return { fenced };
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('TASK_NOT_FOUND ')) {
        throw new NotFoundError('TASK_NOT_FOUND', `RedisStore: ${error.message.slice('TASK_NOT_FOUND '.length)}`);
      }
      throw error;
    }
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
    return taskFromHash(Object.entries(await this.#client.hgetall(this.#keys.task(taskId))));
  }

  async sendSignal(signal: SentSignal): Promise<SendSignalOutcome> {
    const { taskId, name, payload, sentAt } = signal;
    return (await sendSignalScript.run(
      this.#client,
      [this.prefix, taskId, name, JSON.stringify({ payload, sentAt }), sentAt],
      this.#countCommand,
    )) as SendSignalOutcome;
  }

  async readSignals(taskId: string): Promise<SentSignal[]> {
    this.#commands++;
    const stored = await this.#client.hgetall(this.#keys.signals(taskId));
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
    return stepsFromHash(taskId, Object.entries(await this.#client.hgetall(this.#keys.steps(taskId))));
  }

  async getTransitions(taskId: string): Promise<TransitionRecord[]> {
    this.#commands++;
    return parseJsonList(await this.#client.lrange(this.#keys.transitions(taskId), 0, -1));
  }

  async getAnnotations(taskId: string): Promise<AnnotationRecord[]> {
    this.#commands++;
    return parseJsonList(await this.#client.lrange(this.#keys.annotations(taskId), 0, -1));
  }

  async getSnapshot(taskId: string): Promise<StoredSnapshot | undefined> {
    this.#commands++;
    const snapshot = await this.#client.get(this.#keys.snapshot(taskId));
    return snapshot === null ? undefined : (JSON.parse(snapshot) as StoredSnapshot);
  }

  async loadTasks(taskIds: readonly string[]): Promise<StoredTask[]> {
    return loadTasks(this.#client, this.#keys, taskIds, (count) => (this.#commands += count));
  }

  async listTasks(filter: TaskFilter = {}): Promise<TaskPage> {
    const limit = pageSize(filter.limit);
    const cursor = filter.cursor === undefined ? undefined : decodeTaskCursor(filter.cursor);
    const query = {
      filters: filterIndexes(filter),
      ...pageRange({ cursor, createdFrom: filter.createdFrom, createdTo: filter.createdTo }),
      count: limit + 1,
    };
    const reply = (await listTasksScript.run(
      this.#client,
      [this.prefix, JSON.stringify(query)],
      this.#countCommand,
    )) as string[][];
    const found = reply.map((fields) => taskFromHash(pairsOf(fields))).filter((task) => task !== undefined);
    const tasks = found.slice(0, limit);
    const last = tasks.at(-1);
    return found.length > limit && last ? { tasks, nextCursor: encodeTaskCursor(last) } : { tasks };
  }

  async listActivity(filter: ActivityFilter): Promise<TaskActivity[]> {
    return listActivity(this.#client, this.#keys, filter, (count) => (this.#commands += count));
  }

  /** From the per-minute rollups the scripts keep (see `redis-rollups.ts`), not from the tasks. */
  async taskFigures(filter: ActivityFilter): Promise<TaskFigures> {
    return rollupTaskFigures(this.#client, this.#keys.prefix, filter, (count) => (this.#commands += count));
  }

  /** From the per-minute rollups the scripts keep (see `redis-rollups.ts`), not from the tasks. */
  async stepFigures(filter: ActivityFilter): Promise<StepFigures> {
    return rollupStepFigures(this.#client, this.#keys.prefix, filter, (count) => (this.#commands += count));
  }

  async listUnfinishedTaskIds(): Promise<string[]> {
    this.#commands++;
    return (await this.#client.zrange(this.#keys.unfinished, 0, '-1')).map(taskIdOfMember);
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
