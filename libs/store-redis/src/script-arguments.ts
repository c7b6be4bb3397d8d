import { InvalidRequestError, TASK_STATES, type NewTask, type TaskWrite } from '@tasker/core';
import { indexMember } from './index-member.js';
import { idempotencySuffix, indexSuffix, stepField, type RedisKeys } from './redis-keys.js';
import { stepHashFields, toHashFields } from './record-codec.js';
import { errorFields, rollupArgument, type RollupArgument } from './redis-rollups.js';

/**
 * What the create-task script reads (as JSON). Values are JSON strings made here, so Lua never decodes user data.
 */
export interface NewTaskArgument {
  id: string;
  member: string;
  state: string;
  idempotency?: string;
  /** `idx:` suffixes of the indexes that never change for this task (namespace, name, version, correlation id). */
  indexes: string[];
  task: string[];
  steps: string[];
  /** The score in `idx:claimable` of an unfinished task created without a lease: its creation time. */
  claimableAt: string;
  /** The score in `idx:finished:<state>` of a task created finished: its `updatedAt`. */
  finishedAt: string;
  /** The worker the task is created leased to, and the lease's expiry (a score). */
  lease?: { owner: string; expiry: string };
  /** The analytics rollup the task counts in. */
  rollup: RollupArgument;
}

/** What the commit script reads for one write; empty parts are left out. */
export interface WriteArgument {
  id: string;
  set?: string[];
  clear?: string[];
  /** The new state, plain, when the write changes it: the script moves the task between state indexes. */
  state?: string;
  steps?: Array<{ name: string; set?: string[]; clear?: string[] }>;
  transitions?: string[];
  annotations?: string[];
  annotationTypes?: string[];
  /** Map steps' items: `[step name, index, JSON StepItemRecord]` in turn, each set in the step's `items:` hash. */
  items?: string[];
  snapshot?: string;
  /** The write's events as outbox entries: each JSON `[task id, time (ms), JSON event]` (see `redis-keys.ts`). */
  events?: string[];
  /** The writer's fencing token: the script skips the write unless the task's stored token equals it. */
  token?: number;
  /** The rollup fields of the write's failed attempts (see `redis-rollups.ts`). */
  errorFields?: string[];
}

/**
 * A time as a sorted-set score, checked before any script runs: Redis refuses a score that is not a number only
 * at the ZADD, after the script's earlier writes. A string, since a number decoded from JSON in Lua would reach
 * Redis with 14 significant digits.
 * @throws InvalidRequestError naming `field` when `ms` is not a finite number.
 */
export function scoreOf(ms: number, field: string): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new InvalidRequestError(field, `must be a finite time in ms since the epoch, got ${String(ms)}`);
  }
  return String(ms);
}

/** The create-task script's argument for a task, its steps and its lease, if created leased. */
export function newTaskArgument({ task, steps, lease, claimableAt }: NewTask): NewTaskArgument {
  const argument: NewTaskArgument = {
    id: task.id,
    member: indexMember(task.createdAt, task.id),
    state: task.state,
    indexes: [
      indexSuffix('namespace', task.namespace),
      indexSuffix('name', task.name),
      indexSuffix('version', task.version),
      indexSuffix('correlation', task.correlationId),
    ],
    task: toHashFields(task),
    steps: steps.flatMap(stepHashFields),
    rollup: rollupArgument(task, steps),
    // The engine's claim time (a priority's head start), else a delayed task's runAt, else its creation.
    claimableAt:
      claimableAt !== undefined
        ? scoreOf(claimableAt, 'claimableAt')
        : task.runAt === undefined
          ? scoreOf(task.createdAt, 'task.createdAt')
          : scoreOf(task.runAt, 'task.runAt'),
    finishedAt: scoreOf(task.updatedAt, 'task.updatedAt'),
    ...(lease ? { lease: { owner: lease.workerId, expiry: scoreOf(lease.until, 'lease.until') } } : {}),
    ...(task.idempotencyKey === undefined ? {} : { idempotency: idempotencySuffix(task, task.idempotencyKey) }),
  };
  return argument;
}

/** The KEYS of create-task.lua and publish-task.lua for a task. */
export function creationKeys(keys: RedisKeys, argument: NewTaskArgument): string[] {
  const shard = keys.shardOf(argument.id);
  const task = keys.task(argument.id);
  return [
    shard.claimable,
    shard.leased,
    shard.owners,
    shard.tokens,
    task.task,
    task.steps,
    shard.all,
    shard.state(argument.state),
    shard.unfinished,
    shard.finished(argument.state),
    shard.rollup(argument.rollup.minute, argument.rollup.template),
    shard.rollupSet(argument.rollup.minute),
    ...argument.indexes.map((suffix) => shard.index(suffix)),
  ];
}

/** The outbox entry `[task id, time, JSON event]` of an event, as the commit script puts it in the shard's outbox. */
export type OutboxEntry = [taskId: string, at: number, event: string];

/** Fields a patch sets (as `[field, JSON, ...]`) and clears (a key present with `undefined`). */
function splitPatch(patch: object, fieldName: (key: string) => string): { set?: string[]; clear?: string[] } {
  const set: string[] = [];
  const clear: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) clear.push(fieldName(key));
    else set.push(fieldName(key), JSON.stringify(value));
  }
  return { ...(set.length > 0 ? { set } : {}), ...(clear.length > 0 ? { clear } : {}) };
}

/**
 * A task state that has an index: the commit script moves a task between the state indexes it is given.
 * @throws InvalidRequestError naming `task.state` for any other.
 */
function knownState(state: string): string {
  if (!(TASK_STATES as readonly string[]).includes(state)) {
    throw new InvalidRequestError('task.state', `must be one of ${TASK_STATES.join(', ')}, got '${state}'`);
  }
  return state;
}

/** The commit script's argument for one write. */
export function writeArgument(write: TaskWrite): WriteArgument {
  const argument: WriteArgument = { id: write.taskId };
  if (write.task) {
    Object.assign(
      argument,
      splitPatch(write.task, (key) => key),
    );
    if (write.task.state !== undefined) argument.state = knownState(write.task.state);
  }
  if (write.steps?.length) {
    argument.steps = write.steps.map(({ name, ...patch }) => ({
      name,
      ...splitPatch(patch, (key) => stepField(key, name)),
    }));
  }
  if (write.transitions?.length) {
    argument.transitions = write.transitions.map((transition) => JSON.stringify(transition));
    const errors = errorFields(write.transitions);
    if (errors.length > 0) argument.errorFields = errors;
  }
  if (write.annotations?.length) {
    argument.annotations = write.annotations.map((annotation) => JSON.stringify(annotation));
    argument.annotationTypes = [...new Set(write.annotations.map((annotation) => annotation.type))];
  }
  if (write.items?.length) {
    argument.items = write.items.flatMap((item) => [item.stepName, String(item.index), JSON.stringify(item)]);
  }
  if (write.snapshot) argument.snapshot = JSON.stringify(write.snapshot);
  if (write.events?.length) {
    argument.events = write.events.map((event) =>
      JSON.stringify([write.taskId, event.at, JSON.stringify(event)] satisfies OutboxEntry),
    );
  }
  if (write.leaseToken !== undefined) argument.token = write.leaseToken;
  return argument;
}
