/**
 * The store's data model: every key lives under one prefix (`tasker:` by default), so apps and test runs share a
 * server without seeing each other, and carries a hash tag, so that a Redis Cluster keeps together the keys one
 * script touches. A key is `<prefix>{<prefix><part>}<name>`: `<part>` is a shard's number for the keys of the tasks
 * of that shard and of its indexes, `global` for the store-wide structures. A task's shard is a hash of its id
 * modulo the store's shard count (`shards`, recorded by `migrate()`). `<id>` is a task id; JSON means
 * `JSON.stringify` of the value.
 *
 * Keys of shard `<n>` (tag `{<prefix><n>}`):
 *
 * | key | type | holds |
 * |---|---|---|
 * | `task:<id>` | hash | one field per `TaskRecord` field, each value JSON; store fields, plain: `@member` (the task's index member), `@staged` (JSON `NewTaskArgument` of a task created with an idempotency key, until it is published: see `RedisCreations`) |
 * | `steps:<id>` | hash | one field per step attribute, named `<attribute>:<step name>`, value JSON (`position:<name>` marks the step) |
 * | `transitions:<id>` | list | the task's history, one JSON `TransitionRecord` per entry, oldest first |
 * | `annotations:<id>` | list | one JSON `AnnotationRecord` per entry, oldest first |
 * | `snapshot:<id>` | string | JSON `StoredSnapshot` |
 * | `items:<id>:<step>` | hash | a map step's items: field the item's index, value JSON `StepItemRecord` |
 * | `signals:<id>` | hash | the signals sent to the task: field the signal's name, value JSON `{ payload, sentAt }` |
 * | `idx:all` | sorted set | every task's index member |
 * | `idx:state:<state>`, `idx:namespace:<ns>`, `idx:name:<name>`, `idx:version:<v>`, `idx:correlation:<id>`, `idx:annotation:<type>` | sorted set | members of the tasks matching that filter value |
 * | `idx:unfinished` | sorted set | members of tasks `pending`, `in_progress` or `compensating` |
 * | `idx:finished:<state>` | sorted set | ids (not index members) of the tasks finished in `<state>`, scored by their `updatedAt` (when they finished): what retention lists |
 * | `idx:claimable` | sorted set | index members of the unfinished tasks, scored by when they are claimable: the lease's expiry while leased, the wake-up time (creation time when new, `runAt` when delayed, 0 when released) while free |
 * | `idx:leased` | sorted set | index members of the tasks with an owner, scored by the lease's expiry (expired leases stay until the task is claimed again, released or finished) |
 * | `owners` | hash | task id → the worker holding its lease; absent when free |
 * | `tokens` | hash | task id → its lease's fencing token (absent means 0; it only ever rises) |
 * | `commit:<store instance id>` | sorted set | tokens of the last 64 batches that store instance committed to the shard, by sequence (expires after a day) |
 * | `outbox` | sorted set | events committed to the shard's tasks and not yet known to be in the event log: member `<seq> <JSON [task id, at, JSON event]>`, score `<seq>` |
 * | `outbox-seq` | string | the counter drawing the outbox's sequence numbers |
 * | `rollups:<minute>`, `rollup:<minute>:<template>` | set, hash | analytics rollups of the shard's tasks per creation minute and template version, kept by the create and commit scripts (see `redis-rollups.ts`); a task's hash names its rollup in `@rollup` |
 *
 * Store-wide keys (tag `{<prefix>global}`):
 *
 * | key | type | holds |
 * |---|---|---|
 * | `events` | stream | the event log: one entry per engine event, fields `at` (the event's time, ms), `t` (its task's id) and `e` (JSON event), ids drawn by Redis in the order the outboxes are appended |
 * | `outbox-positions` | hash | shard number → sequence of the last outbox entry appended to `events` |
 * | `task-events:<id>` | list | the stream ids of the task's events still in the log, oldest first: reads of one task's events |
 * | `subscriber:<name>` | hash | a durable subscriber: `position` (the id of the last event it handled; absent before its first), `owner` (the worker delivering to it), `token` (raised by every change of holder), `until` (when the hold lapses, ms; 0 once released) |
 * | `webhook-deliveries:<name>` | list | the webhook's delivery tries, newest first, each `<sequence> <JSON WebhookDelivery>`, trimmed to the newest kept |
 * | `webhook-deliveries-seq` | string | the counter that orders tries across webhooks |
 * | `webhooks` | set | the names of the webhooks with tries in the log |
 * | `schedule:<id>` | hash | one schedule: field `record` (JSON `ScheduleRecord` but for the fields below), `nextFireAt`, `lastTaskId`, `updatedAt` (each JSON), so that the compare-and-set on `nextFireAt` compares strings made in TypeScript |
 * | `schedules` | sorted set | every schedule's id, score 0, so listed by id |
 * | `schema` | string | the data model's version, checked by `migrate()` |
 * | `shards` | string | the store's shard count, checked by `migrate()` |
 *
 * Untagged, each key in a slot of its own (every script or command touching one touches that key alone):
 *
 * | key | type | holds |
 * |---|---|---|
 * | `idempotency:<json [namespace, name, key]>` | string | id of the task that holds the key |
 * | `slots:<concurrency key>` | sorted set | the holders of the key's slots, scored by their lease's end |
 * | `bucket:<rate-limit key>` | hash | the key's token bucket: `credit` and `refilledAt`, whole numbers (see `TokenBucket`) |
 *
 * And `work`, the pub/sub channel on which scripts announce claimable work.
 *
 * Index members are `<createdAt, 16 digits> <id>` with score 0, so every index is ordered by creation time and then
 * id, and a page or a creation-time range is one lexicographic range (see `index-member.ts`). `idx:claimable` uses
 * the same members with real scores: Redis orders equal scores by member, so claims come out by claimable time, then
 * creation time, then id, as the memory store's.
 *
 * An unfinished task is in `idx:claimable`, and only an unfinished one: a write to a finished state removes it from
 * both lease sets and from `owners` (keeping its token). `idx:leased` exists so that `listWorkers` and a restarted
 * worker's reclaim read the few leased tasks, not every passivated one.
 *
 * Field values are JSON made in TypeScript and never decoded in Lua: Lua's cjson would round numbers to 14 digits.
 * Key names are made here only: scripts get every key they touch in KEYS.
 */
import { InvalidRequestError, TASK_STATES, type TaskRecord, type TaskState } from '@tasker/core';

/** The keys of one task, all in its shard's slot. */
export interface TaskKeys {
  shard: number;
  task: string;
  steps: string;
  transitions: string;
  annotations: string;
  snapshot: string;
  signals: string;
}

/** The keys of one shard's indexes and lease sets. */
export class ShardKeys {
  readonly #base: string;

  constructor(
    readonly shard: number,
    base: string,
  ) {
    this.#base = base;
  }

  /** Index `idx:<suffix>` (see {@link indexSuffix}), e.g. `idx:namespace:payments`. */
  index(suffix: string): string {
    return `${this.#base}idx:${suffix}`;
  }

  get all(): string {
    return this.index('all');
  }

  get unfinished(): string {
    return this.index('unfinished');
  }

  get claimable(): string {
    return this.index('claimable');
  }

  get leased(): string {
    return this.index('leased');
  }

  /** The ids of the tasks finished in `state`, scored by finish time (retention's index). */
  finished(state: TaskState | string): string {
    return this.index(`finished:${state}`);
  }

  /** Retention's index of each task state, in `TASK_STATES` order (the unfinished ones stay empty). */
  get finishedByState(): string[] {
    return TASK_STATES.map((state) => this.finished(state));
  }

  /** The state index of each task state, in `TASK_STATES` order. */
  get states(): string[] {
    return TASK_STATES.map((state) => this.index(indexSuffix('state', state)));
  }

  state(state: TaskState | string): string {
    return this.index(indexSuffix('state', state));
  }

  get owners(): string {
    return `${this.#base}owners`;
  }

  get tokens(): string {
    return `${this.#base}tokens`;
  }

  get outbox(): string {
    return `${this.#base}outbox`;
  }

  get outboxSequence(): string {
    return `${this.#base}outbox-seq`;
  }

  /** The template versions with a task of this shard created in `minute` (minutes since the epoch). */
  rollupSet(minute: number): string {
    return `${this.#base}rollups:${minute}`;
  }

  /** The analytics rollup of this shard's tasks of one template version created in `minute`. */
  rollup(minute: number, template: string): string {
    return `${this.#base}rollup:${minute}:${template}`;
  }

  /** Tokens of the batches store instance `instanceId` committed to this shard lately. */
  commits(instanceId: string): string {
    return `${this.#base}commit:${instanceId}`;
  }

  /** The task keys prefix of this shard: `task:<id>` and its siblings follow it. */
  taskKey(name: string, taskId: string): string {
    return `${this.#base}${name}:${taskId}`;
  }
}

/** FNV-1a of the string's UTF-16 code units: stable across processes and versions, cheap, spread well enough. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The names of one store's keys. */
export class RedisKeys {
  readonly #shards: ShardKeys[];
  readonly #global: string;

  /**
   * @throws InvalidRequestError when the prefix holds a brace (it would become the hash tag of every key) or the
   * shard count is no whole number from 1 to 1024.
   */
  constructor(
    readonly prefix: string,
    readonly shardCount: number,
  ) {
    if (/[{}]/.test(prefix)) throw new InvalidRequestError('prefix', `must hold no '{' or '}', got '${prefix}'`);
    if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > 1024) {
      throw new InvalidRequestError('shards', `must be a whole number from 1 to 1024, got ${String(shardCount)}`);
    }
    this.#shards = Array.from({ length: shardCount }, (_, shard) => new ShardKeys(shard, this.#tagged(String(shard))));
    this.#global = this.#tagged('global');
  }

  #tagged(part: string): string {
    return `${this.prefix}{${this.prefix}${part}}`;
  }

  /** Every shard's keys, by shard number. */
  get shards(): readonly ShardKeys[] {
    return this.#shards;
  }

  /** The shard a task belongs to, for good: its keys and index entries live in that shard's slot. */
  shardOf(taskId: string): ShardKeys {
    return this.#shards[hashOf(taskId) % this.shardCount]!;
  }

  task(taskId: string): TaskKeys {
    const shard = this.shardOf(taskId);
    const key = (name: string) => shard.taskKey(name, taskId);
    return {
      shard: shard.shard,
      task: key('task'),
      steps: key('steps'),
      transitions: key('transitions'),
      annotations: key('annotations'),
      snapshot: key('snapshot'),
      signals: key('signals'),
    };
  }

  /** The items of map step `stepName` of task `taskId` (see `StepItems`), in the task's shard. */
  stepItems(taskId: string, stepName: string): string {
    return this.shardOf(taskId).taskKey('items', `${taskId}:${stepName}`);
  }

  /** The task holding an idempotency key (see {@link idempotencySuffix}): a key of its own slot. */
  idempotency(suffix: string): string {
    return `${this.prefix}idempotency:${suffix}`;
  }

  /** The event log (see `RedisEventLog`). */
  get events(): string {
    return `${this.#global}events`;
  }

  /** How far each shard's outbox has been appended to the event log. */
  get outboxPositions(): string {
    return `${this.#global}outbox-positions`;
  }

  /** The stream ids of task `taskId`'s events (see `RedisEventLog`). */
  taskEvents(taskId: string): string {
    return `${this.#global}task-events:${taskId}`;
  }

  /** A durable subscriber's position and hold (see `RedisSubscribers`). */
  subscriber(name: string): string {
    return `${this.#global}subscriber:${name}`;
  }

  /** A webhook's delivery tries (see `RedisWebhookDeliveries`). */
  webhookDeliveries(name: string): string {
    return `${this.#global}webhook-deliveries:${name}`;
  }

  /** The counter ordering webhook delivery tries. */
  get webhookSequence(): string {
    return `${this.#global}webhook-deliveries-seq`;
  }

  /** The names of the webhooks with tries in the delivery log. */
  get webhooks(): string {
    return `${this.#global}webhooks`;
  }

  /** One schedule (see `RedisSchedules`). */
  schedule(id: string): string {
    return `${this.#global}schedule:${id}`;
  }

  /** Every schedule's id. */
  get schedules(): string {
    return `${this.#global}schedules`;
  }

  get schema(): string {
    return `${this.#global}schema`;
  }

  get shardCountKey(): string {
    return `${this.#global}shards`;
  }

  /** Where data model versions 1 and 2 (before hash tags) recorded themselves. */
  get untaggedSchema(): string {
    return `${this.prefix}schema`;
  }

  /** The pub/sub channel on which scripts announce claimable work (see `watchWork`). */
  get workChannel(): string {
    return `${this.prefix}work`;
  }

  /** The slots of a concurrency key (see `RedisLimits`): a key of its own slot. */
  slots(key: string): string {
    return `${this.prefix}slots:${key}`;
  }

  /** The token bucket of a rate-limit key (see `RedisLimits`): a key of its own slot. */
  bucket(key: string): string {
    return `${this.prefix}bucket:${key}`;
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
