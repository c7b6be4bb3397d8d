import type { EngineEvent } from '../domain/events.js';
import type { AnnotationRecord, StepRecord, TaskRecord, TransitionRecord } from '../domain/records.js';
import { isTaskUnfinished } from '../domain/states.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { classifyEngineError, type StoreErrorKind } from './store-error-kind.js';
import { copyJson } from '../domain/copy-json.js';
import { applyPatch } from './apply-patch.js';
import type { EventPurge, EventQuery, LoggedEvent } from './event-log.js';
import { MemoryEventLog } from './memory-event-log.js';
import { MemoryLimits } from './memory-limits.js';
import type { HeldSlot, SlotGrant, SlotRequest } from './concurrency-limits.js';
import type { TokenGrant, TokenRequest } from './rate-limits.js';
import type { SendSignalOutcome, SentSignal } from './task-signals.js';
import { MemorySubscriberPositions } from './memory-subscriber-positions.js';
import type { SubscriberClaim, SubscriberHold } from './subscriber-positions.js';
import { MemoryWebhookDeliveryLog } from './memory-webhook-delivery-log.js';
import type { WebhookDelivery, WebhookDeliveryQuery } from './webhook-delivery-log.js';
import type { ScheduleAdvance, ScheduleRecord } from '../schedules/schedule.js';
import type { ActivityFilter, TaskActivity } from './task-activity.js';
import {
  byFinishTime,
  isTaskFinished,
  refuseTableArchive,
  type ExpiredTask,
  type ExpiredTaskQuery,
  type PurgeOptions,
} from './task-retention.js';
import { stepFiguresOf, taskFiguresOf } from './activity-figures.js';
import type { StepFigures, TaskFigures } from './task-analytics.js';
import { decodeTaskCursor, encodeTaskCursor, pageSize } from './task-cursor.js';
import type { ClaimRequest, ClaimResult, Lease, LeaseRelease, LeaseTerms, WorkerLeases } from './leases.js';
import type {
  CommitResult,
  CreateTaskResult,
  NewTask,
  StoredSnapshot,
  StoredTask,
  StepItemCounts,
  StepItemPage,
  StepItemRecord,
  TaskFilter,
  TaskPage,
  TaskStore,
  TaskWrite,
} from './task-store.js';

interface TaskEntry {
  task: TaskRecord;
  steps: Map<string, StepRecord>;
  transitions: TransitionRecord[];
  annotations: AnnotationRecord[];
  snapshot?: StoredSnapshot;
  lease: LeaseState;
  signals: SentSignal[];
  /** Map steps' items by step name, each array indexed by item index. */
  items: Map<string, StepItemRecord[]>;
}

/**
 * A task's lease as the other stores keep it in columns: the holder, the fencing token, and when the task is
 * claimable (the lease's expiry while held, the wake-up time while free; never once the task is finished).
 */
interface LeaseState {
  owner?: string;
  token: number;
  claimableAt?: number;
}

const isUnfinished = (task: TaskRecord) => isTaskUnfinished(task.state);

/** Records are JSON by contract: every record the store takes or gives is copied as a JSON round trip would. */
const clone = <T>(value: T): T => (value === undefined ? value : (copyJson(value) as T));

function matches(task: TaskRecord, filter: TaskFilter, annotations: AnnotationRecord[]): boolean {
  const states = filter.state === undefined ? undefined : ([] as string[]).concat(filter.state);
  return (
    (states === undefined || states.includes(task.state)) &&
    (filter.namespace === undefined || task.namespace === filter.namespace) &&
    (filter.name === undefined || task.name === filter.name) &&
    (filter.version === undefined || task.version === filter.version) &&
    (filter.correlationId === undefined || task.correlationId === filter.correlationId) &&
    (filter.createdFrom === undefined || task.createdAt >= filter.createdFrom) &&
    (filter.createdTo === undefined || task.createdAt < filter.createdTo) &&
    (filter.annotationType === undefined || annotations.some((annotation) => annotation.type === filter.annotationType))
  );
}

function inActivityWindow(task: TaskRecord, filter: ActivityFilter): boolean {
  return (
    task.createdAt >= filter.createdFrom &&
    task.createdAt < filter.createdTo &&
    (filter.namespace === undefined || task.namespace === filter.namespace) &&
    (filter.name === undefined || task.name === filter.name) &&
    (filter.version === undefined || task.version === filter.version)
  );
}

const idempotencyKeyOf = (task: TaskRecord, key: string) => `${task.namespace}/${task.name}/${key}`;

const newestFirst = (a: TaskRecord, b: TaskRecord) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * A {@link TaskStore} in process memory: the engine's default, for tests and for apps that need no durability
 * across processes. Two engines sharing one instance behave like one process restarting on a durable store.
 */
export class MemoryStore implements TaskStore {
  readonly #tasks = new Map<string, TaskEntry>();
  readonly #idempotencyKeys = new Map<string, string>();
  readonly #workWatchers = new Set<() => void>();
  readonly #eventLog = new MemoryEventLog();
  readonly #subscribers = new MemorySubscriberPositions();
  readonly #webhookDeliveries = new MemoryWebhookDeliveryLog();
  readonly #schedules = new Map<string, ScheduleRecord>();
  readonly #limits = new MemoryLimits(() => this.#workArrived());

  async createTask(task: TaskRecord, steps: StepRecord[]): Promise<CreateTaskResult> {
    return this.#create({ task, steps });
  }

  #create({ task, steps, lease, claimableAt }: NewTask): CreateTaskResult {
    const key = task.idempotencyKey === undefined ? undefined : idempotencyKeyOf(task, task.idempotencyKey);
    const existing = key === undefined ? undefined : this.#idempotencyKeys.get(key);
    if (existing !== undefined) return { task: clone(this.#tasks.get(existing)!.task), created: false };
    if (key !== undefined) this.#idempotencyKeys.set(key, task.id);
    this.#tasks.set(task.id, {
      task: clone(task),
      steps: new Map([...steps].sort((a, b) => a.position - b.position).map((step) => [step.name, clone(step)])),
      transitions: [],
      annotations: [],
      signals: [],
      items: new Map(),
      lease: lease
        ? { owner: lease.workerId, token: 1, claimableAt: lease.until }
        : { token: 0, claimableAt: claimableAt ?? task.runAt ?? task.createdAt },
    });
    if (!lease) this.#workArrived();
    return { task: clone(task), created: true };
  }

  async createTasks(requests: readonly NewTask[]): Promise<CreateTaskResult[]> {
    return requests.map((request) => this.#create(request));
  }

  async commit(writes: readonly TaskWrite[]): Promise<CommitResult> {
    const missing = writes.find((write) => !this.#tasks.has(write.taskId));
    if (missing) throw new NotFoundError('TASK_NOT_FOUND', `MemoryStore: no task ${missing.taskId} to write to`);
    const fenced = new Set<string>();
    const events: EngineEvent[] = [];
    // Writes are not copied: the engine never changes a write once it is queued, and every read copies.
    for (const write of writes) {
      const stored = this.#tasks.get(write.taskId)!;
      if (write.leaseToken !== undefined && write.leaseToken !== stored.lease.token) {
        fenced.add(write.taskId);
        continue;
      }
      if (write.task) {
        applyPatch(stored.task, write.task);
        if (!isUnfinished(stored.task)) stored.lease = { token: stored.lease.token };
      }
      for (const patch of write.steps ?? []) {
        const step = stored.steps.get(patch.name);
        if (step) applyPatch(step, patch);
      }
      if (write.transitions) stored.transitions.push(...write.transitions);
      if (write.annotations) stored.annotations.push(...write.annotations);
      for (const item of write.items ?? []) {
        const items = stored.items.get(item.stepName) ?? [];
        items[item.index] = item;
        stored.items.set(item.stepName, items);
      }
      if (write.snapshot) stored.snapshot = write.snapshot;
      for (const event of write.events ?? []) events.push(event);
    }
    this.#eventLog.append(events);
    return { fenced: [...fenced] };
  }

  /** Only the engine's own errors can fail this store: see `classifyEngineError`. */
  classifyError(error: unknown): StoreErrorKind {
    return classifyEngineError(error) ?? 'transient';
  }

  async claimTasks({ workerId, now, until, limit, reclaimOwn }: ClaimRequest): Promise<ClaimResult> {
    const due: TaskEntry[] = [];
    let nextDueAt: number | undefined;
    for (const stored of this.#tasks.values()) {
      const at = stored.lease.claimableAt;
      if (at === undefined || !isUnfinished(stored.task)) continue;
      if (at <= now || (reclaimOwn && stored.lease.owner === workerId)) due.push(stored);
      else if (nextDueAt === undefined || at < nextDueAt) nextDueAt = at;
    }
    due.sort(
      (a, b) =>
        a.lease.claimableAt! - b.lease.claimableAt! ||
        a.task.createdAt - b.task.createdAt ||
        (a.task.id < b.task.id ? -1 : 1),
    );
    const leases = due.slice(0, limit).map((stored) => this.#lease(stored, workerId, until));
    return nextDueAt === undefined ? { leases } : { leases, nextDueAt };
  }

  async claimTask(taskId: string, { workerId, now, until }: LeaseTerms): Promise<Lease | undefined> {
    const stored = this.#tasks.get(taskId);
    if (!stored) return undefined;
    const { owner, claimableAt } = stored.lease;
    if (owner !== undefined && owner !== workerId && claimableAt !== undefined && claimableAt > now) return undefined;
    return this.#lease(stored, workerId, until);
  }

  #lease(stored: TaskEntry, workerId: string, until: number): Lease {
    stored.lease = { owner: workerId, token: stored.lease.token + 1, claimableAt: until };
    return { taskId: stored.task.id, token: stored.lease.token };
  }

  async renewLeases(workerId: string, leases: readonly Lease[], until: number): Promise<string[]> {
    const lost: string[] = [];
    for (const { taskId, token } of leases) {
      const lease = this.#tasks.get(taskId)?.lease;
      if (lease?.owner === workerId && lease.token === token) lease.claimableAt = until;
      else lost.push(taskId);
    }
    return lost;
  }

  async releaseLeases(releases: readonly LeaseRelease[]): Promise<void> {
    for (const { taskId, token, wakeAt } of releases) {
      const stored = this.#tasks.get(taskId);
      if (!stored || stored.lease.owner === undefined || stored.lease.token !== token) continue;
      stored.lease = isUnfinished(stored.task) ? { token, claimableAt: wakeAt ?? 0 } : { token };
    }
    if (releases.length > 0) this.#workArrived();
  }

  async countWaiting(now: number): Promise<number> {
    let waiting = 0;
    for (const { task, lease } of this.#tasks.values()) {
      if (isUnfinished(task) && lease.claimableAt !== undefined && lease.claimableAt <= now) waiting++;
    }
    return waiting;
  }

  async listWorkers(now: number): Promise<WorkerLeases[]> {
    const workers = new Map<string, WorkerLeases>();
    for (const { lease } of this.#tasks.values()) {
      if (lease.owner === undefined || lease.claimableAt === undefined || lease.claimableAt <= now) continue;
      const worker = workers.get(lease.owner) ?? { workerId: lease.owner, leases: 0, firstExpiry: lease.claimableAt };
      worker.leases++;
      worker.firstExpiry = Math.min(worker.firstExpiry, lease.claimableAt);
      workers.set(lease.owner, worker);
    }
    return [...workers.values()].sort((a, b) => (a.workerId < b.workerId ? -1 : 1));
  }

  async watchWork(onWork: () => void): Promise<() => Promise<void>> {
    this.#workWatchers.add(onWork);
    return async () => {
      this.#workWatchers.delete(onWork);
    };
  }

  /** Tells the watchers, after the current call, as a notification from another process would arrive. */
  #workArrived(): void {
    if (this.#workWatchers.size === 0) return;
    setImmediate(() => {
      for (const onWork of this.#workWatchers) onWork();
    });
  }

  async getTask(taskId: string): Promise<TaskRecord | undefined> {
    const stored = this.#tasks.get(taskId);
    return stored && clone(stored.task);
  }

  async getSteps(taskId: string): Promise<StepRecord[]> {
    return clone([...(this.#tasks.get(taskId)?.steps.values() ?? [])]);
  }

  async getStepItems(taskId: string, stepName: string, page: StepItemPage = {}): Promise<StepItemRecord[]> {
    const items = (this.#tasks.get(taskId)?.items.get(stepName) ?? []).filter((item) => item !== undefined);
    const offset = page.offset ?? 0;
    return clone(items.slice(offset, page.limit === undefined ? undefined : offset + page.limit));
  }

  async countStepItems(taskId: string, stepName: string): Promise<StepItemCounts> {
    const counts: StepItemCounts = {};
    for (const item of this.#tasks.get(taskId)?.items.get(stepName) ?? []) {
      if (item) counts[item.state] = (counts[item.state] ?? 0) + 1;
    }
    return counts;
  }

  async getTransitions(taskId: string): Promise<TransitionRecord[]> {
    return clone(this.#tasks.get(taskId)?.transitions ?? []);
  }

  async getAnnotations(taskId: string): Promise<AnnotationRecord[]> {
    return clone(this.#tasks.get(taskId)?.annotations ?? []);
  }

  async getSnapshot(taskId: string): Promise<StoredSnapshot | undefined> {
    const snapshot = this.#tasks.get(taskId)?.snapshot;
    return snapshot && clone(snapshot);
  }

  async loadTasks(taskIds: readonly string[]): Promise<StoredTask[]> {
    return taskIds.flatMap((taskId) => {
      const stored = this.#tasks.get(taskId);
      if (!stored) return [];
      const { task, steps, snapshot } = clone({
        task: stored.task,
        steps: [...stored.steps.values()],
        snapshot: stored.snapshot,
      });
      return [snapshot ? { task, steps, snapshot } : { task, steps }];
    });
  }

  async listTasks(filter: TaskFilter = {}): Promise<TaskPage> {
    const limit = pageSize(filter.limit);
    const after = filter.cursor === undefined ? undefined : decodeTaskCursor(filter.cursor);
    const found = [...this.#tasks.values()]
      .filter((stored) => matches(stored.task, filter, stored.annotations))
      .map((stored) => stored.task)
      .sort(newestFirst)
      .filter(
        (task) =>
          !after || task.createdAt < after.createdAt || (task.createdAt === after.createdAt && task.id < after.id),
      );
    const tasks = clone(found.slice(0, limit));
    const last = tasks.at(-1);
    return found.length > limit && last ? { tasks, nextCursor: encodeTaskCursor(last) } : { tasks };
  }

  async listActivity(filter: ActivityFilter): Promise<TaskActivity[]> {
    const found = [...this.#tasks.values()]
      .filter(({ task }) => inActivityWindow(task, filter))
      .sort((a, b) => -newestFirst(a.task, b.task));
    return clone(
      found.map((stored) => ({
        task: stored.task,
        steps: [...stored.steps.values()],
        failures: stored.transitions.filter((transition) => transition.error !== undefined),
      })),
    );
  }

  /** Computed in JavaScript over {@link listActivity}: the memory store holds every task in the process anyway. */
  async taskFigures(filter: ActivityFilter): Promise<TaskFigures> {
    return taskFiguresOf(await this.listActivity(filter));
  }

  /** Computed in JavaScript over {@link listActivity} (see {@link taskFigures}). */
  async stepFigures(filter: ActivityFilter): Promise<StepFigures> {
    return stepFiguresOf(await this.listActivity(filter));
  }

  async listUnfinishedTaskIds(): Promise<string[]> {
    return [...this.#tasks.values()]
      .map((stored) => stored.task)
      .filter(isUnfinished)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((task) => task.id);
  }

  readEvents(query: EventQuery): Promise<LoggedEvent[]> {
    return this.#eventLog.readEvents(query);
  }

  lastEventId(): Promise<string | undefined> {
    return this.#eventLog.lastEventId();
  }

  /** Events of this store instance only, as a notification from another process would arrive. */
  watchEvents(onEvents: () => void): Promise<() => Promise<void>> {
    return this.#eventLog.watchEvents(onEvents);
  }

  purgeEvents(purge: EventPurge): Promise<number> {
    return this.#eventLog.purgeEvents(purge);
  }

  async listExpiredTasks({ state, before, after, limit }: ExpiredTaskQuery): Promise<ExpiredTask[]> {
    return [...this.#tasks.values()]
      .filter(({ task }) => task.state === state && task.updatedAt < before)
      .map(({ task: { id, namespace, name, version, updatedAt } }) => ({
        id,
        namespace,
        name,
        version,
        state,
        finishedAt: updatedAt,
      }))
      .filter((task) => !after || byFinishTime(after, task) < 0)
      .sort(byFinishTime)
      .slice(0, limit);
  }

  /** The memory store keeps no archive table. */
  readonly archivesToTable = false;

  async purgeTasks(taskIds: readonly string[], options?: PurgeOptions): Promise<string[]> {
    refuseTableArchive('the memory store', options);
    const purged = new Set(
      taskIds.filter((taskId) => {
        const stored = this.#tasks.get(taskId);
        return stored !== undefined && isTaskFinished(stored.task.state);
      }),
    );
    for (const taskId of purged) {
      const { task } = this.#tasks.get(taskId)!;
      this.#tasks.delete(taskId);
      if (task.idempotencyKey !== undefined) this.#idempotencyKeys.delete(idempotencyKeyOf(task, task.idempotencyKey));
    }
    this.#eventLog.forgetTasks(purged);
    return [...purged];
  }

  async sendSignal(signal: SentSignal): Promise<SendSignalOutcome> {
    const stored = this.#tasks.get(signal.taskId);
    if (!stored) return 'task_not_found';
    if (!isUnfinished(stored.task)) return 'task_finished';
    if (stored.signals.some((kept) => kept.name === signal.name)) return 'duplicate';
    stored.signals.push(clone(signal));
    const { lease } = stored;
    if (lease.owner === undefined && lease.claimableAt !== undefined && lease.claimableAt > signal.sentAt) {
      lease.claimableAt = signal.sentAt;
    }
    if (lease.owner === undefined || (lease.claimableAt ?? 0) <= signal.sentAt) this.#workArrived();
    return 'sent';
  }

  async readSignals(taskId: string): Promise<SentSignal[]> {
    return clone(this.#tasks.get(taskId)?.signals ?? []);
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

  recordWebhookDelivery(delivery: WebhookDelivery, keepNewest: number): Promise<void> {
    return this.#webhookDeliveries.recordWebhookDelivery(delivery, keepNewest);
  }

  listWebhookDeliveries(query: WebhookDeliveryQuery): Promise<WebhookDelivery[]> {
    return this.#webhookDeliveries.listWebhookDeliveries(query);
  }

  async saveSchedule(schedule: ScheduleRecord): Promise<void> {
    this.#schedules.set(schedule.id, clone(schedule));
  }

  async getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    return clone(this.#schedules.get(id));
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    return [...this.#schedules.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(clone);
  }

  async deleteSchedule(id: string): Promise<boolean> {
    return this.#schedules.delete(id);
  }

  async advanceSchedule(id: string, from: number, advance: ScheduleAdvance): Promise<boolean> {
    const schedule = this.#schedules.get(id);
    if (schedule?.nextFireAt !== from) return false;
    Object.assign(schedule, advance);
    return true;
  }

  async close(): Promise<void> {}
}

/**
 * The in-memory store.
 *
 * @example
 * const store = createMemoryStore();
 * const first = createEngine({ store });
 * // ... later, the same tasks resume in another engine:
 * const second = createEngine({ store });
 */
export function createMemoryStore(): MemoryStore {
  return new MemoryStore();
}
