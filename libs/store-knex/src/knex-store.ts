import type { Knex } from 'knex';
import type {
  HeldSlot,
  SlotGrant,
  SlotRequest,
  TokenGrant,
  TokenRequest,
  ActivityFilter,
  StepFigures,
  TaskFigures,
  AnnotationRecord,
  ClaimRequest,
  ClaimResult,
  CommitResult,
  CreateTaskResult,
  EventPurge,
  EventQuery,
  Lease,
  LoggedEvent,
  LeaseRelease,
  LeaseTerms,
  WorkerLeases,
  NewTask,
  StepRecord,
  StoredSnapshot,
  StoredTask,
  TaskFilter,
  TaskActivity,
  TaskPage,
  TaskRecord,
  TaskStore,
  TaskWrite,
  TransitionRecord,
  StoreErrorKind,
  SendSignalOutcome,
  SentSignal,
  StepItemCounts,
  StepItemPage,
  StepItemRecord,
  SubscriberClaim,
  SubscriberHold,
  WebhookDelivery,
  WebhookDeliveryQuery,
  ScheduleAdvance,
  ScheduleRecord,
  ExpiredTask,
  ExpiredTaskQuery,
  PurgeOptions,
} from '@tasker/core';
import { sharedWatch } from '@tasker/core';
import { classifyKnexError } from './classify-error.js';
import { dialectOf, type Dialect } from './dialect.js';
import { writeSerializer } from './file-write-lock.js';
import { configureSqliteConnection } from './knex-config.js';
import type { KnexStoreOptions } from './knex-store-options.js';
import { runMigrations } from './migrations/run-migrations.js';
import { claimTask } from './operations/claim-task.js';
import { claimTasks } from './operations/claim-tasks.js';
import { commitWrites } from './operations/commit-writes.js';
import { createTasks } from './operations/create-tasks.js';
import { lastEventId, purgeEvents, readEvents } from './operations/event-log.js';
import { getAnnotations } from './operations/get-annotations.js';
import { getSnapshot } from './operations/get-snapshot.js';
import { getSteps } from './operations/get-steps.js';
import { getTask } from './operations/get-task.js';
import { getTransitions } from './operations/get-transitions.js';
import { listActivity } from './operations/list-activity.js';
import { stepFigures, taskFigures } from './operations/task-analytics.js';
import { loadTasks } from './operations/load-tasks.js';
import { listTasks } from './operations/list-tasks.js';
import { listUnfinishedTaskIds } from './operations/list-unfinished-task-ids.js';
import { countWaiting, listWorkers } from './operations/list-workers.js';
import { releaseLeases } from './operations/release-leases.js';
import { renewLeases } from './operations/renew-leases.js';
import { listExpiredTasks, purgeTasks } from './operations/retention.js';
import { readSignals, sendSignal } from './operations/signals.js';
import { acquireSlot, releaseSlot, renewSlots, takeToken } from './operations/limits.js';
import { countStepItems, getStepItems } from './operations/step-items.js';
import {
  claimSubscriber,
  readSubscriberPosition,
  releaseSubscriber,
  saveSubscriberPosition,
} from './operations/subscriber-positions.js';
import { listWebhookDeliveries, recordWebhookDelivery } from './operations/webhook-deliveries.js';
import { advanceSchedule, deleteSchedule, getSchedule, listSchedules, saveSchedule } from './operations/schedules.js';
import { WorkAnnouncer } from './work-announcer.js';
import type { StoreContext } from './store-context.js';
import { tableNames } from './table-names.js';

/**
 * A {@link TaskStore} on PostgreSQL (through pg) or SQLite (through better-sqlite3), both through knex. Create it
 * with `createKnexStore`.
 *
 * - Every group-commit batch costs a fixed number of statements, however many tasks it holds: on Postgres ONE
 *   statement (data-modifying CTEs, prepared once per connection), on SQLite one transaction of
 *   `4 + task field sets + step field sets` statements at most ({@link KnexStore.statementCount} counts them).
 *   `createTasks` is likewise one statement on Postgres and four on SQLite.
 * - The schema is created and upgraded by numbered knex migrations, on first use unless `autoMigrate: false`.
 * - SQLite runs in WAL mode with `synchronous = NORMAL`: a commit survives the crash of the process, not
 *   necessarily a power loss. better-sqlite3 is synchronous, so knex serialises all queries through one connection
 *   and a query blocks the event loop while it runs.
 */
export class KnexStore implements TaskStore {
  /** The knex instance the store runs on. */
  readonly knex: Knex;
  readonly dialect: Dialect;
  readonly #context: StoreContext;
  readonly #announcer: WorkAnnouncer;
  /** Wakes followers of the event log: the commit's own `pg_notify` on Postgres, this instance's commits on SQLite. */
  readonly #eventAnnouncer: WorkAnnouncer;
  /** One LISTEN (on Postgres) however many follow the event log. */
  readonly #watchEvents: (onEvents: () => void) => Promise<() => Promise<void>>;
  readonly #ownsKnex: boolean;
  readonly #autoMigrate: boolean;
  #ready: Promise<void> | undefined;
  #isReady = false;
  #statements = 0;
  readonly #countStatement = () => {
    this.#statements++;
  };

  /** @param ownsKnex whether {@link close} destroys `knex` (true when the store created it). */
  constructor(knex: Knex, options: KnexStoreOptions = {}, ownsKnex = false) {
    this.knex = knex;
    this.dialect = dialectOf(knex);
    this.#context = {
      db: knex,
      dialect: this.dialect,
      tables: tableNames(options.tablePrefix),
      exclusive: writeSerializer(knex, this.dialect),
    };
    this.#announcer = new WorkAnnouncer(knex, this.dialect, `${this.#context.tables.tasks}_work`);
    this.#eventAnnouncer = new WorkAnnouncer(knex, this.dialect, this.#context.tables.events);
    this.#watchEvents = sharedWatch((notify) => this.#eventAnnouncer.watch(notify));
    this.#ownsKnex = ownsKnex;
    this.#autoMigrate = options.autoMigrate ?? true;
    knex.on('query', this.#countStatement);
  }

  /**
   * SQL statements sent since the store was created, `BEGIN` and `COMMIT` included: what the benchmarks divide by
   * the steps they ran. Counts every query of the knex instance, so share the instance with nothing else to read it
   * as the store's own.
   */
  get statementCount(): number {
    return this.#statements;
  }

  /**
   * Brings the schema up to date and answers the names of the migrations it applied (none when it was current).
   * Safe to run from several processes at once.
   */
  async migrate(): Promise<string[]> {
    if (!this.#ownsKnex && this.dialect === 'sqlite') await this.#configureSqlite();
    const applied = await this.#context.exclusive(() => runMigrations(this.knex, this.dialect, this.#context.tables));
    this.#isReady = true;
    return applied;
  }

  /** The store's own connection settings on a knex instance it was handed (its connection may have none). */
  async #configureSqlite(): Promise<void> {
    const connection = (await this.knex.client.acquireConnection()) as Parameters<typeof configureSqliteConnection>[0];
    try {
      configureSqliteConnection(connection);
    } finally {
      await this.knex.client.releaseConnection(connection);
    }
  }

  /** Migrates once, on the first call, when `autoMigrate` is on; a failed attempt is tried again on the next call. */
  async #ensureReady(): Promise<void> {
    if (this.#isReady || !this.#autoMigrate) return;
    this.#ready ??= this.migrate().then(
      () => undefined,
      (error: unknown) => {
        this.#ready = undefined;
        throw error;
      },
    );
    await this.#ready;
  }

  async createTask(task: TaskRecord, steps: StepRecord[]): Promise<CreateTaskResult> {
    const [result] = await this.createTasks([{ task, steps }]);
    return result!;
  }

  async createTasks(requests: readonly NewTask[]): Promise<CreateTaskResult[]> {
    if (!this.#isReady) await this.#ensureReady();
    const results = await createTasks(this.#context, requests);
    if (results.some((result, index) => result.created && !requests[index]!.lease)) await this.#announcer.announce();
    return results;
  }

  /**
   * Commits a group-commit batch all or nothing. On Postgres the batch's id is recorded with it (kept a day), so
   * that a retry after a lost reply does not apply the batch twice.
   */
  async commit(writes: readonly TaskWrite[], batch?: { id: string }): Promise<CommitResult> {
    if (!this.#isReady) await this.#ensureReady();
    const result = await commitWrites(this.#context, writes, batch?.id);
    if (this.dialect === 'sqlite' && writes.some((write) => write.events?.length))
      await this.#eventAnnouncer.announce();
    return result;
  }

  /** PostgreSQL's data exceptions and SQLite's refusals are permanent, connection trouble transient: see {@link classifyKnexError}. */
  classifyError(error: unknown): StoreErrorKind {
    return classifyKnexError(error);
  }

  async saveSchedule(schedule: ScheduleRecord): Promise<void> {
    await this.#ensureReady();
    await saveSchedule(this.#context, schedule);
  }

  async getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    await this.#ensureReady();
    return getSchedule(this.#context, id);
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    await this.#ensureReady();
    return listSchedules(this.#context);
  }

  async deleteSchedule(id: string): Promise<boolean> {
    await this.#ensureReady();
    return deleteSchedule(this.#context, id);
  }

  async advanceSchedule(id: string, from: number, advance: ScheduleAdvance): Promise<boolean> {
    await this.#ensureReady();
    return advanceSchedule(this.#context, id, from, advance);
  }

  async getTask(taskId: string): Promise<TaskRecord | undefined> {
    await this.#ensureReady();
    return getTask(this.#context, taskId);
  }

  async getSteps(taskId: string): Promise<StepRecord[]> {
    await this.#ensureReady();
    return getSteps(this.#context, taskId);
  }

  async getTransitions(taskId: string): Promise<TransitionRecord[]> {
    await this.#ensureReady();
    return getTransitions(this.#context, taskId);
  }

  async getAnnotations(taskId: string): Promise<AnnotationRecord[]> {
    await this.#ensureReady();
    return getAnnotations(this.#context, taskId);
  }

  async getSnapshot(taskId: string): Promise<StoredSnapshot | undefined> {
    await this.#ensureReady();
    return getSnapshot(this.#context, taskId);
  }

  async loadTasks(taskIds: readonly string[]): Promise<StoredTask[]> {
    await this.#ensureReady();
    return loadTasks(this.#context, taskIds);
  }

  async listTasks(filter?: TaskFilter): Promise<TaskPage> {
    await this.#ensureReady();
    return listTasks(this.#context, filter);
  }

  async listActivity(filter: ActivityFilter): Promise<TaskActivity[]> {
    await this.#ensureReady();
    return listActivity(this.#context, filter);
  }

  async taskFigures(filter: ActivityFilter): Promise<TaskFigures> {
    await this.#ensureReady();
    return taskFigures(this.#context, filter);
  }

  async stepFigures(filter: ActivityFilter): Promise<StepFigures> {
    await this.#ensureReady();
    return stepFigures(this.#context, filter);
  }

  async listUnfinishedTaskIds(): Promise<string[]> {
    await this.#ensureReady();
    return listUnfinishedTaskIds(this.#context);
  }

  async claimTasks(request: ClaimRequest): Promise<ClaimResult> {
    await this.#ensureReady();
    return claimTasks(this.#context, request);
  }

  async claimTask(taskId: string, terms: LeaseTerms): Promise<Lease | undefined> {
    await this.#ensureReady();
    return claimTask(this.#context, taskId, terms);
  }

  async renewLeases(workerId: string, leases: readonly Lease[], until: number): Promise<string[]> {
    await this.#ensureReady();
    return renewLeases(this.#context, workerId, leases, until);
  }

  async releaseLeases(releases: readonly LeaseRelease[]): Promise<void> {
    await this.#ensureReady();
    if ((await releaseLeases(this.#context, releases)) > 0) await this.#announcer.announce();
  }

  async sendSignal(signal: SentSignal): Promise<SendSignalOutcome> {
    if (!this.#isReady) await this.#ensureReady();
    const { outcome, woke } = await sendSignal(this.#context, signal);
    if (woke) await this.#announcer.announce();
    return outcome;
  }

  async readSignals(taskId: string): Promise<SentSignal[]> {
    if (!this.#isReady) await this.#ensureReady();
    return readSignals(this.#context, taskId);
  }

  async listExpiredTasks(query: ExpiredTaskQuery): Promise<ExpiredTask[]> {
    await this.#ensureReady();
    return listExpiredTasks(this.#context, query);
  }

  /** Both dialects keep an archive table (`<prefix>archived_tasks`, migration 015). */
  readonly archivesToTable = true;

  /** One short transaction for the batch (see `purgeTasks` of `operations/retention.ts`). */
  async purgeTasks(taskIds: readonly string[], options?: PurgeOptions): Promise<string[]> {
    await this.#ensureReady();
    return purgeTasks(this.#context, taskIds, options);
  }

  async acquireSlot(request: SlotRequest): Promise<SlotGrant> {
    if (!this.#isReady) await this.#ensureReady();
    return acquireSlot(this.#context, request);
  }

  async renewSlots(slots: HeldSlot[], until: number): Promise<void> {
    if (!this.#isReady) await this.#ensureReady();
    await renewSlots(this.#context, slots, until);
  }

  /** Announces a freed slot like a released lease: throttled steps of every worker ask again. */
  async releaseSlot(slot: HeldSlot): Promise<void> {
    if (!this.#isReady) await this.#ensureReady();
    if (await releaseSlot(this.#context, slot)) await this.#announcer.announce();
  }

  async takeToken(request: TokenRequest): Promise<TokenGrant> {
    if (!this.#isReady) await this.#ensureReady();
    return takeToken(this.#context, request);
  }

  async getStepItems(taskId: string, stepName: string, page?: StepItemPage): Promise<StepItemRecord[]> {
    if (!this.#isReady) await this.#ensureReady();
    return getStepItems(this.#context, taskId, stepName, page);
  }

  async countStepItems(taskId: string, stepName: string): Promise<StepItemCounts> {
    if (!this.#isReady) await this.#ensureReady();
    return countStepItems(this.#context, taskId, stepName);
  }

  async countWaiting(now: number): Promise<number> {
    await this.#ensureReady();
    return countWaiting(this.#context, now);
  }

  async listWorkers(now: number): Promise<WorkerLeases[]> {
    await this.#ensureReady();
    return listWorkers(this.#context, now);
  }

  /**
   * Postgres: LISTEN on a dedicated connection (outside the pool) to the announcements of every process. SQLite:
   * announcements of this store instance only; other processes' work is found by polling.
   */
  async watchWork(onWork: () => void): Promise<() => Promise<void>> {
    await this.#ensureReady();
    return this.#announcer.watch(onWork);
  }

  async readEvents(query: EventQuery): Promise<LoggedEvent[]> {
    await this.#ensureReady();
    return readEvents(this.#context, query);
  }

  async lastEventId(): Promise<string | undefined> {
    await this.#ensureReady();
    return lastEventId(this.#context);
  }

  /**
   * Postgres: LISTEN on a dedicated connection, shared by every watcher of this store, to the `pg_notify` every
   * commit with events sends. SQLite: this store instance's commits only; followers in other processes poll.
   */
  async watchEvents(onEvents: () => void): Promise<() => Promise<void>> {
    await this.#ensureReady();
    return this.#watchEvents(onEvents);
  }

  async purgeEvents(purge: EventPurge): Promise<number> {
    await this.#ensureReady();
    return purgeEvents(this.#context, purge);
  }

  async claimSubscriber(claim: SubscriberClaim): Promise<SubscriberHold | undefined> {
    await this.#ensureReady();
    return claimSubscriber(this.#context, claim);
  }

  async saveSubscriberPosition(name: string, token: number, position: string): Promise<boolean> {
    await this.#ensureReady();
    return saveSubscriberPosition(this.#context, name, token, position);
  }

  async releaseSubscriber(name: string, token: number): Promise<void> {
    await this.#ensureReady();
    await releaseSubscriber(this.#context, name, token);
  }

  async readSubscriberPosition(name: string): Promise<string | undefined> {
    await this.#ensureReady();
    return readSubscriberPosition(this.#context, name);
  }

  async recordWebhookDelivery(delivery: WebhookDelivery, keepNewest: number): Promise<void> {
    await this.#ensureReady();
    await recordWebhookDelivery(this.#context, delivery, keepNewest);
  }

  async listWebhookDeliveries(query: WebhookDeliveryQuery): Promise<WebhookDelivery[]> {
    await this.#ensureReady();
    return listWebhookDeliveries(this.#context, query);
  }

  /** Stops watchers and counting statements and, when the store created its knex instance, destroys it. */
  async close(): Promise<void> {
    await Promise.all([this.#announcer.close(), this.#eventAnnouncer.close()]);
    this.knex.off('query', this.#countStatement);
    if (this.#ownsKnex) await this.knex.destroy();
  }
}
