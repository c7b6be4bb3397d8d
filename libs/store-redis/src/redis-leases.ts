import {
  InvalidRequestError,
  type ClaimRequest,
  type ClaimResult,
  type Lease,
  type LeaseRelease,
  type LeaseTerms,
  type WorkerLeases,
} from '@tasker/core';
import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script.js';
import { scoreOf } from './script-arguments.js';
import { CLAIM_TASK_SCRIPT } from './scripts/claim-task-script.js';
import { CLAIM_TASKS_SCRIPT } from './scripts/claim-tasks-script.js';
import { LIST_WORKERS_SCRIPT } from './scripts/list-workers-script.js';
import { RELEASE_LEASES_SCRIPT } from './scripts/release-leases-script.js';
import { RENEW_LEASES_SCRIPT } from './scripts/renew-leases-script.js';

const claimTasksScript = new LuaScript(CLAIM_TASKS_SCRIPT);
const claimTaskScript = new LuaScript(CLAIM_TASK_SCRIPT);
const renewLeasesScript = new LuaScript(RENEW_LEASES_SCRIPT);
const releaseLeasesScript = new LuaScript(RELEASE_LEASES_SCRIPT);
const listWorkersScript = new LuaScript(LIST_WORKERS_SCRIPT);

/**
 * The lease operations of a {@link RedisStore}, each one script: one round trip, atomic
 * against every other script, whatever the number of tasks. The data model is in `redis-keys.ts`.
 */
export class RedisLeases {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #countCommand: () => void;

  constructor(client: Redis, prefix: string, countCommand: () => void) {
    this.#client = client;
    this.#prefix = prefix;
    this.#countCommand = countCommand;
  }

  async claimTasks({ workerId, now, until, limit, reclaimOwn }: ClaimRequest): Promise<ClaimResult> {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new InvalidRequestError('limit', `must be a whole number of tasks, got ${String(limit)}`);
    }
    const [claimed, nextDueAt] = (await this.#run(claimTasksScript, [
      workerId,
      scoreOf(now, 'now'),
      scoreOf(until, 'until'),
      limit,
      reclaimOwn ? 1 : 0,
    ])) as [Array<string | number>, string | null];
    const leases: Lease[] = [];
    for (let index = 0; index + 1 < claimed.length; index += 2) {
      leases.push({ taskId: String(claimed[index]), token: Number(claimed[index + 1]) });
    }
    return nextDueAt === null ? { leases } : { leases, nextDueAt: Number(nextDueAt) };
  }

  async claimTask(taskId: string, { workerId, now, until }: LeaseTerms): Promise<Lease | undefined> {
    const token = (await this.#run(claimTaskScript, [
      taskId,
      workerId,
      scoreOf(now, 'now'),
      scoreOf(until, 'until'),
    ])) as number | null;
    return token === null ? undefined : { taskId, token };
  }

  async renewLeases(workerId: string, leases: readonly Lease[], until: number): Promise<string[]> {
    if (leases.length === 0) return [];
    const pairs = leases.flatMap(({ taskId, token }) => [taskId, token]);
    return (await this.#run(renewLeasesScript, [workerId, scoreOf(until, 'until'), ...pairs])) as string[];
  }

  async releaseLeases(releases: readonly LeaseRelease[]): Promise<void> {
    if (releases.length === 0) return;
    // Without a wake-up time a task is claimable at once: at 0, ahead of tasks merely due, as in the memory store.
    const triples = releases.flatMap(({ taskId, token, wakeAt }) => [
      taskId,
      token,
      wakeAt === undefined ? 0 : scoreOf(wakeAt, 'wakeAt'),
    ]);
    await this.#run(releaseLeasesScript, triples);
  }

  async listWorkers(now: number): Promise<WorkerLeases[]> {
    const found = (await this.#run(listWorkersScript, [scoreOf(now, 'now')])) as Array<[string, number, string]>;
    return found
      .map(([workerId, leases, firstExpiry]) => ({ workerId, leases, firstExpiry: Number(firstExpiry) }))
      .sort((a, b) => (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0));
  }

  /** One `ZCOUNT` of the claimable set up to `now`: expired leases count, as they are claimable. */
  async countWaiting(now: number): Promise<number> {
    this.#countCommand();
    return this.#client.zcount(`${this.#prefix}idx:claimable`, '-inf', scoreOf(now, 'now'));
  }

  #run(script: LuaScript, args: Array<string | number>): Promise<unknown> {
    return script.run(this.#client, [this.#prefix, ...args], this.#countCommand);
  }
}
