import {
  InvalidRequestError,
  type ClaimRequest,
  type ClaimResult,
  type Lease,
  type LeaseRelease,
  type LeaseTerms,
  type WorkerLeases,
} from '@tasker/core';
import { compareMembers, taskIdOfMember } from './index-member.js';
import type { ShardKeys } from './redis-keys.js';
import { groupByShard, RedisSeam } from './redis-seam.js';
import { scoreOf } from './script-arguments.js';
import { SCRIPTS } from './scripts.js';

/** How many times a claim over several shards peeks again when other workers took what it peeked at. */
const CLAIM_ROUNDS = 5;

/** A claim candidate of one shard: a member and its claimable time. */
interface Candidate {
  shard: number;
  member: string;
  score: number;
}

function candidatesOf(shard: number, flat: readonly string[]): Candidate[] {
  const candidates: Candidate[] = [];
  for (let index = 0; index + 1 < flat.length; index += 2) {
    candidates.push({ shard, member: flat[index]!, score: Number(flat[index + 1]) });
  }
  return candidates;
}

/** Claim order: claimable time, then member (creation time, then id), as a sorted set orders them. */
function byClaimOrder(a: Candidate, b: Candidate): number {
  return a.score - b.score || compareMembers(a.member, b.member);
}

const leaseKeys = (shard: ShardKeys) => [shard.claimable, shard.leased, shard.owners, shard.tokens];

/**
 * The lease operations of a {@link RedisStore}: each one script per shard it concerns, atomic against every other
 * script of the shard. The data model is in `redis-keys.ts`.
 *
 * A claim on a store of one shard is one script. On several, it first reads every shard's candidates (due tasks,
 * and the worker's own leases when it reclaims them) without taking them, picks the first `limit` in claim order
 * across shards, and then claims on each shard as many as it picked there: the shard's script takes its first
 * due ones at that moment. When workers race, a claim may get fewer than it picked; it then looks again, a few
 * times, so that claims running at once still share out every due task.
 */
export class RedisLeases extends RedisSeam {
  async claimTasks({ workerId, now, until, limit, reclaimOwn }: ClaimRequest): Promise<ClaimResult> {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new InvalidRequestError('limit', `must be a whole number of tasks, got ${String(limit)}`);
    }
    const terms = { workerId, now: scoreOf(now, 'now'), until: scoreOf(until, 'until'), reclaim: reclaimOwn === true };
    if (this.keys.shardCount === 1) {
      const { leases, nextDue } = await this.#claimShard(this.keys.shards[0]!, terms, limit);
      return nextDue === null ? { leases } : { leases, nextDueAt: Number(nextDue) };
    }
    const leases: Lease[] = [];
    let nextDueAt: number | undefined;
    for (let round = 0; round < CLAIM_ROUNDS && leases.length < limit; round++) {
      // Own leases cannot be raced for (they are not due): the first round takes them all.
      if (round > 0) terms.reclaim = false;
      const peeked = await Promise.all(
        this.keys.shards.map(async (shard) => {
          const [due, own, next] = (await this.runScript(
            SCRIPTS.peekClaimable,
            [shard.claimable, shard.leased, shard.owners],
            [workerId, terms.now, limit - leases.length, terms.reclaim ? 1 : 0],
          )) as [string[], string[], string | null];
          return { due: candidatesOf(shard.shard, due), own: candidatesOf(shard.shard, own), next };
        }),
      );
      if (round === 0) {
        const dues = peeked.flatMap(({ next }) => (next === null ? [] : [Number(next)]));
        if (dues.length > 0) nextDueAt = Math.min(...dues);
      }
      const picked = [
        ...peeked.flatMap(({ due }) => due).sort(byClaimOrder),
        ...peeked.flatMap(({ own }) => own).sort(byClaimOrder),
      ].slice(0, limit - leases.length);
      if (picked.length === 0) break;
      const perShard = groupByShard(picked, (candidate) => candidate.shard);
      const claimed = await Promise.all(
        [...perShard].map(([shard, candidates]) =>
          this.#claimShard(this.keys.shards[shard]!, terms, candidates.length),
        ),
      );
      const order = new Map(picked.map((candidate, index) => [taskIdOfMember(candidate.member), index]));
      const rank = (lease: Lease) => order.get(lease.taskId) ?? picked.length;
      leases.push(...claimed.flatMap((claim) => claim.leases).sort((a, b) => rank(a) - rank(b)));
      if (claimed.every((claim, index) => claim.leases.length === [...perShard.values()][index]!.length)) break;
    }
    return nextDueAt === undefined ? { leases } : { leases, nextDueAt };
  }

  async #claimShard(
    shard: ShardKeys,
    terms: { workerId: string; now: string; until: string; reclaim: boolean },
    limit: number,
  ): Promise<{ leases: Lease[]; nextDue: string | null }> {
    const [claimed, nextDue] = (await this.runScript(SCRIPTS.claimTasks, leaseKeys(shard), [
      terms.workerId,
      terms.now,
      terms.until,
      limit,
      terms.reclaim ? 1 : 0,
    ])) as [Array<string | number>, string | null];
    const leases: Lease[] = [];
    for (let index = 0; index + 1 < claimed.length; index += 2) {
      leases.push({ taskId: String(claimed[index]), token: Number(claimed[index + 1]) });
    }
    return { leases, nextDue };
  }

  async claimTask(taskId: string, { workerId, now, until }: LeaseTerms): Promise<Lease | undefined> {
    const shard = this.keys.shardOf(taskId);
    const token = (await this.runScript(
      SCRIPTS.claimTask,
      [...leaseKeys(shard), this.keys.task(taskId).task],
      [taskId, workerId, scoreOf(now, 'now'), scoreOf(until, 'until')],
    )) as number | null;
    return token === null ? undefined : { taskId, token };
  }

  async renewLeases(workerId: string, leases: readonly Lease[], until: number): Promise<string[]> {
    const expiry = scoreOf(until, 'until');
    const lost = await Promise.all(
      [...this.#byShard(leases)].map(async ([shard, part]) => {
        const pairs = part.flatMap(({ taskId, token }) => [taskId, token]);
        const keys = [...leaseKeys(shard), ...part.map(({ taskId }) => this.keys.task(taskId).task)];
        return (await this.runScript(SCRIPTS.renewLeases, keys, [workerId, expiry, ...pairs])) as string[];
      }),
    );
    const lostIds = new Set(lost.flat());
    return leases.map(({ taskId }) => taskId).filter((taskId) => lostIds.has(taskId));
  }

  async releaseLeases(releases: readonly LeaseRelease[]): Promise<void> {
    // Without a wake-up time a task is claimable at once: at 0, ahead of tasks merely due, as in the memory store.
    const triples = releases.map(({ taskId, token, wakeAt }) => ({
      taskId,
      args: [taskId, token, wakeAt === undefined ? 0 : scoreOf(wakeAt, 'wakeAt')],
    }));
    await Promise.all(
      [...this.#byShard(triples)].map(([shard, part]) =>
        this.runScript(
          SCRIPTS.releaseLeases,
          [...leaseKeys(shard), ...part.map(({ taskId }) => this.keys.task(taskId).task)],
          [this.keys.workChannel, ...part.flatMap(({ args }) => args)],
        ),
      ),
    );
  }

  /** Every shard's workers merged: leases summed, the first expiry the earliest. */
  async listWorkers(now: number): Promise<WorkerLeases[]> {
    const at = scoreOf(now, 'now');
    const workers = new Map<string, WorkerLeases>();
    const perShard = await Promise.all(
      this.keys.shards.map(
        async (shard) =>
          (await this.runScript(SCRIPTS.listWorkers, [shard.leased, shard.owners], [at])) as Array<
            [string, number, string]
          >,
      ),
    );
    for (const found of perShard) {
      for (const [workerId, leases, firstExpiry] of found) {
        const known = workers.get(workerId);
        workers.set(workerId, {
          workerId,
          leases: (known?.leases ?? 0) + leases,
          firstExpiry: Math.min(known?.firstExpiry ?? Infinity, Number(firstExpiry)),
        });
      }
    }
    return [...workers.values()].sort((a, b) => (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0));
  }

  /** One `ZCOUNT` of each shard's claimable set up to `now`: expired leases count, as they are claimable. */
  async countWaiting(now: number): Promise<number> {
    const at = scoreOf(now, 'now');
    this.countCommands(this.keys.shardCount);
    const counts = await Promise.all(this.keys.shards.map((shard) => this.client.zcount(shard.claimable, '-inf', at)));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /** `items` (each naming a task) by the keys of their tasks' shard. */
  #byShard<T extends { taskId: string }>(items: readonly T[]): Map<ShardKeys, T[]> {
    const groups = groupByShard(items, ({ taskId }) => this.keys.shardOf(taskId).shard);
    return new Map([...groups].map(([shard, part]) => [this.keys.shards[shard]!, part]));
  }
}
