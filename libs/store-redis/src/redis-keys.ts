/**
 * The store's data model: every key lives under one prefix (`tasker:` by default), so apps and test runs share a
 * server without seeing each other. `<id>` is a task id; JSON means `JSON.stringify` of the value.
 *
 * | key | type | holds |
 * |---|---|---|
 * | `task:<id>` | hash | one field per `TaskRecord` field, each value JSON; store fields, plain: `@member` (the task's index member), `@token` (the lease's fencing token; absent means 0), `@owner` (the worker holding the lease; absent when free) |
 * | `steps:<id>` | hash | one field per step attribute, named `<attribute>:<step name>`, value JSON (`position:<name>` marks the step) |
 * | `transitions:<id>` | list | the task's history, one JSON `TransitionRecord` per entry, oldest first |
 * | `annotations:<id>` | list | one JSON `AnnotationRecord` per entry, oldest first |
 * | `snapshot:<id>` | string | JSON `StoredSnapshot` |
 * | `items:<id>:<step>` | hash | a map step's items: field the item's index, value JSON `StepItemRecord` |
 * | `signals:<id>` | hash | the signals sent to the task: field the signal's name, value JSON `{ payload, sentAt }` |
 * | `idempotency:<json [namespace, name, key]>` | string | id of the task that holds the key |
 * | `idx:all` | sorted set | every task's index member |
 * | `idx:state:<state>`, `idx:namespace:<ns>`, `idx:name:<name>`, `idx:version:<v>`, `idx:correlation:<id>`, `idx:annotation:<type>` | sorted set | members of the tasks matching that filter value |
 * | `idx:unfinished` | sorted set | members of tasks `pending` or `in_progress` |
 * | `idx:finished:<state>` | sorted set | ids (not index members) of the tasks finished in `<state>`, scored by their `updatedAt` (when they finished): what retention lists |
 * | `idx:claimable` | sorted set | index members of the unfinished tasks, scored by when they are claimable: the lease's expiry while leased, the wake-up time (creation time when new, `runAt` when delayed, 0 when released) while free |
 * | `idx:leased` | sorted set | index members of the tasks with an owner, scored by the lease's expiry (expired leases stay until the task is claimed again, released or finished) |
 * | `events` | stream | the event log: one entry per engine event, fields `at` (the event's time, ms), `t` (its task's id) and `e` (JSON event), ids drawn by Redis in commit order |
 * | `task-events:<id>` | list | the stream ids of the task's events still in the log, oldest first: reads of one task's events |
 * | `subscriber:<name>` | hash | a durable subscriber: `position` (the id of the last event it handled; absent before its first), `owner` (the worker delivering to it), `token` (raised by every change of holder), `until` (when the hold lapses, ms; 0 once released) |
 * | `webhook-deliveries:<name>` | list | the webhook's delivery tries, newest first, each `<sequence> <JSON WebhookDelivery>`, trimmed to the newest kept |
 * | `webhook-deliveries-seq` | string | the counter that orders tries across webhooks |
 * | `webhooks` | set | the names of the webhooks with tries in the log |
 * | `work` | pub/sub channel, not a key | a message whenever tasks may have become claimable (created without a lease, leases released) |
 * | `commit:<store instance id>` | sorted set | tokens of the last 64 batches that store instance committed, by sequence (expires after a day) |
 * | `schema` | string | the data model's version, checked by `migrate()` |
 * | `retention-indexed` | string | present once `migrate()` has added the tasks finished before `idx:finished:<state>` existed to it |
 * | `schedule:<id>` | hash | one schedule: field `record` (JSON `ScheduleRecord` but for the fields below), `nextFireAt`, `lastTaskId`, `updatedAt` (each JSON), so that the compare-and-set on `nextFireAt` compares strings made in TypeScript |
 * | `schedules` | sorted set | every schedule's id, score 0, so listed by id |
 * | `rollups:<minute>`, `rollup:<minute>:<template>` | set, hash | analytics rollups per creation minute and template version, kept by the create and commit scripts (see `redis-rollups.ts`) |
 * | `slots:<concurrency key>` | sorted set | the holders of the key's slots, scored by their lease's end |
 * | `bucket:<rate-limit key>` | hash | the key's token bucket: `credit` and `refilledAt`, whole numbers (see `TokenBucket`) |
 *
 * Index members are `<createdAt, 16 digits> <id>` with score 0, so every index is ordered by creation time and then
 * id, and a page or a creation-time range is one lexicographic range (see `index-member.ts`). `idx:claimable` uses
 * the same members with real scores: Redis orders equal scores by member, so claims come out by claimable time, then
 * creation time, then id, as the memory store's.
 *
 * An unfinished task is in `idx:claimable`, and only an unfinished one: a write to a finished state removes it from
 * both lease sets and clears `@owner` (keeping `@token`, which only ever rises). `idx:leased` exists so that
 * `listWorkers` and a restarted worker's reclaim read the few leased tasks, not every passivated one.
 *
 * Field values are JSON made in TypeScript and never decoded in Lua: Lua's cjson would round numbers to 14 digits.
 * The Lua scripts build the keys whose names depend on stored data (`idx:state:*`, `idx:annotation:*`) with the
 * same names; keep both sides in step when renaming.
 */
import type { TaskRecord } from '@tasker/core';

/** The names of one store's keys. */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  task(taskId: string): string {
    return `${this.prefix}task:${taskId}`;
  }

  steps(taskId: string): string {
    return `${this.prefix}steps:${taskId}`;
  }

  transitions(taskId: string): string {
    return `${this.prefix}transitions:${taskId}`;
  }

  annotations(taskId: string): string {
    return `${this.prefix}annotations:${taskId}`;
  }

  snapshot(taskId: string): string {
    return `${this.prefix}snapshot:${taskId}`;
  }

  /** The items of map step `stepName` of task `taskId` (see `StepItems`). */
  stepItems(taskId: string, stepName: string): string {
    return `${this.prefix}items:${taskId}:${stepName}`;
  }

  /** The signals sent to task `taskId` (see `TaskSignals`). */
  signals(taskId: string): string {
    return `${this.prefix}signals:${taskId}`;
  }

  /** An index the task's stored fields name, e.g. `state:completed` (see {@link indexSuffix}). */
  index(suffix: string): string {
    return `${this.prefix}idx:${suffix}`;
  }

  /** The ids of the tasks finished in `state`, scored by finish time (retention's index). */
  finished(state: string): string {
    return this.index(`finished:${state}`);
  }

  /** The task that holds an idempotency key (see {@link idempotencySuffix}). */
  idempotency(suffix: string): string {
    return `${this.prefix}idempotency:${suffix}`;
  }

  get all(): string {
    return this.index('all');
  }

  get unfinished(): string {
    return `${this.prefix}idx:unfinished`;
  }

  get claimable(): string {
    return `${this.prefix}idx:claimable`;
  }

  get leased(): string {
    return `${this.prefix}idx:leased`;
  }

  /** The stream ids of task `taskId`'s events (see `RedisEventLog`). */
  taskEvents(taskId: string): string {
    return `${this.prefix}task-events:${taskId}`;
  }

  /** The event log (see `RedisEventLog`). */
  get events(): string {
    return `${this.prefix}events`;
  }

  /** A durable subscriber's position and hold (see `RedisSubscribers`). */
  subscriber(name: string): string {
    return `${this.prefix}subscriber:${name}`;
  }

  /** A webhook's delivery tries (see `RedisWebhookDeliveries`). */
  webhookDeliveries(name: string): string {
    return `${this.prefix}webhook-deliveries:${name}`;
  }

  /** The names of the webhooks with tries in the delivery log. */
  get webhooks(): string {
    return `${this.prefix}webhooks`;
  }

  /** The pub/sub channel on which scripts announce claimable work (see `watchWork`). */
  get workChannel(): string {
    return `${this.prefix}work`;
  }

  /** The slots of a concurrency key (see `RedisLimits`). */
  slots(key: string): string {
    return `${this.prefix}slots:${key}`;
  }

  /** The token bucket of a rate-limit key (see `RedisLimits`). */
  bucket(key: string): string {
    return `${this.prefix}bucket:${key}`;
  }

  /** One schedule (see `RedisSchedules`). */
  schedule(id: string): string {
    return `${this.prefix}schedule:${id}`;
  }

  /** Every schedule's id. */
  get schedules(): string {
    return `${this.prefix}schedules`;
  }

  /** Present once the finished tasks of an older prefix were indexed for retention. */
  get retentionIndexed(): string {
    return `${this.prefix}retention-indexed`;
  }

  get schema(): string {
    return `${this.prefix}schema`;
  }
}

/** The suffix after `idempotency:`: JSON, so a `/` or `:` in a namespace cannot make two keys collide. */
export function idempotencySuffix(task: Pick<TaskRecord, 'namespace' | 'name'>, key: string): string {
  return JSON.stringify([task.namespace, task.name, key]);
}

/** The suffix after `idx:` of the index of one filter value, e.g. `namespace:payments`. */
export function indexSuffix(kind: IndexKind, value: string): string {
  return `${kind}:${value}`;
}

/** The filter fields that have an index. */
export type IndexKind = 'state' | 'namespace' | 'name' | 'version' | 'correlation' | 'annotation';

/** Name of the steps-hash field holding `attribute` of step `stepName`. */
export function stepField(attribute: string, stepName: string): string {
  return `${attribute}:${stepName}`;
}
