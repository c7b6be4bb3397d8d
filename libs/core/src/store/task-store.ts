import type { EventLog } from './event-log.js';
import type { ScheduleStore } from './schedule-store.js';
import type { StoreLifecycle } from './store-lifecycle.js';
import type { SubscriberPositions } from './subscriber-positions.js';
import type { WebhookDeliveryLog } from './webhook-delivery-log.js';
import type { TaskLeasing } from './task-leasing.js';
import type { TaskLog } from './task-log.js';
import type { TaskAnalytics } from './task-analytics.js';
import type { TaskQueries } from './task-queries.js';
import type { TaskSignals } from './task-signals.js';
import type { TaskRetention } from './task-retention.js';
import type { ConcurrencyLimits } from './concurrency-limits.js';
import type { RateLimits } from './rate-limits.js';
import type { StepItems } from './step-items.js';

// The records the seams exchange, importable from the port as a whole.
export type {
  CommitResult,
  CreateTaskResult,
  NewTask,
  StepPatch,
  StoredSnapshot,
  TaskPatch,
  TaskWrite,
} from './task-log.js';
export type { StoredTask, TaskFilter, TaskPage } from './task-queries.js';
export type { StepFigures, TaskFigures } from './task-analytics.js';
export type { EventPurge, EventQuery, LoggedEvent } from './event-log.js';
export type { SubscriberClaim, SubscriberHold } from './subscriber-positions.js';
export type { WebhookDelivery, WebhookDeliveryQuery } from './webhook-delivery-log.js';
export type { SendSignalOutcome, SentSignal } from './task-signals.js';
export type { ArchivedTask, ExpiredTask, ExpiredTaskCursor, ExpiredTaskQuery, PurgeOptions } from './task-retention.js';
export type { HeldSlot, SlotGrant, SlotRequest } from './concurrency-limits.js';
export type { TokenGrant, TokenRequest } from './rate-limits.js';
export type { StepItemCounts, StepItemPage, StepItemRecord, StepItemState } from './step-items.js';

/**
 * The port through which the engine saves and reads everything durable: the {@link TaskLog} (creating tasks and
 * committing their changes), the {@link TaskQueries} (reading them back), the {@link TaskAnalytics} (figures over a
 * window of tasks, computed where they are stored), the {@link TaskLeasing} (sharing them
 * between workers), the {@link EventLog} (the events of committed writes, for readers in any process), the
 * {@link SubscriberPositions} (where durable subscribers stand in that log, and who delivers to them), the
 * {@link WebhookDeliveryLog} (how webhook deliveries went), the {@link ScheduleStore} (schedules and their next fire
 * times), the {@link TaskSignals} sent to tasks, the {@link StepItems} of map steps, the {@link TaskRetention} of
 * finished tasks, the {@link ConcurrencyLimits} and {@link RateLimits} that throttle steps, and the
 * {@link StoreLifecycle}. Adapters (memory, SQLite and PostgreSQL through knex, Redis) implement all of them
 * and pass the contract suite of `@tasker/core/testing`; code that needs only one seam can take only that
 * interface.
 *
 * It exposes no connection or transaction type, so the engine cannot depend on any one database.
 */
export interface TaskStore
  extends
    TaskLog,
    TaskQueries,
    TaskAnalytics,
    TaskLeasing,
    EventLog,
    SubscriberPositions,
    WebhookDeliveryLog,
    ScheduleStore,
    TaskSignals,
    TaskRetention,
    ConcurrencyLimits,
    RateLimits,
    StepItems,
    StoreLifecycle {}
