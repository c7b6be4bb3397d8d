import type { CreateTaskResult, TaskRecord } from '@tasker/core';
import { taskFromHash } from './record-codec.js';
import type { RedisClient } from './connect-client.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisSeam } from './redis-seam.js';
import type { RollupNames } from './rollup-names.js';
import { creationKeys, type NewTaskArgument } from './script-arguments.js';
import { SCRIPTS } from './scripts.js';

/** How often a creation looks again at an idempotency key that changed hands under it before it gives up. */
const HOLDER_ATTEMPTS = 10;

/**
 * Task creation on Redis. A task without an idempotency key is one script on its shard (create-task.lua): task,
 * steps, index entries and the work announcement, atomically.
 *
 * An idempotency key lives in a slot of its own (it is found by namespace, name and key, not by task id), so a
 * creation with one takes three calls, ordered so that a crash between any two leaves nothing that runs twice:
 *
 * 1. the task is **staged** on its shard: stored, in no index, unclaimable, expiring after a day;
 * 2. `SET NX` claims the key for it;
 * 3. the winner **publishes** its task (publish-task.lua): indexes, lease or claimable time, work announcement.
 *
 * A request that loses step 2 deletes its staged task and answers the holder's; if the holder is still staged (its
 * creator is between steps 2 and 3, or died there) the loser publishes it, which is idempotent, so the holder runs
 * however its creator fares. A crash after step 1 leaves a staged task nobody knows, which expires; a key whose
 * task is gone (expired, deleted) is taken over by compare-and-set.
 */
export class RedisCreations extends RedisSeam {
  constructor(
    client: RedisClient,
    keys: RedisKeys,
    countCommand: () => void,
    private readonly rollups: RollupNames,
  ) {
    super(client, keys, countCommand);
  }

  async create(task: TaskRecord, argument: NewTaskArgument): Promise<CreateTaskResult> {
    const keys = creationKeys(this.keys, argument);
    const staged = argument.idempotency !== undefined;
    await this.runScript(SCRIPTS.createTask, keys, [JSON.stringify(argument), this.keys.workChannel, staged ? 1 : 0]);
    if (argument.idempotency !== undefined) {
      const holder = await this.#holderOtherThan(argument.id, this.keys.idempotency(argument.idempotency));
      if (holder) {
        this.countCommand();
        await this.client.del(keys[4]!, keys[5]!);
        return { task: holder, created: false };
      }
      await this.runScript(SCRIPTS.publishTask, keys, [this.keys.workChannel]);
    }
    const { minute, template } = argument.rollup;
    this.rollups.remember(argument.id, this.keys.shardOf(argument.id).rollup(minute, template));
    return { task: JSON.parse(JSON.stringify(task)) as TaskRecord, created: true };
  }

  /** Claims the key `holderKey` for task `id`; answers the task holding it instead, if another (published). */
  async #holderOtherThan(id: string, holderKey: string): Promise<TaskRecord | undefined> {
    for (let attempt = 0; attempt < HOLDER_ATTEMPTS; attempt++) {
      this.countCommand();
      if ((await this.client.set(holderKey, id, 'NX')) === 'OK') return undefined;
      this.countCommand();
      const holderId = await this.client.get(holderKey);
      // Deleted meanwhile (a purge): SET NX again.
      if (holderId === null) continue;
      if (holderId === id) return undefined;
      const holder = await this.#published(holderId);
      if (holder) return holder;
      const replaced = await this.runScript(SCRIPTS.replaceIdempotencyHolder, [holderKey], [holderId, id]);
      if (replaced === 1) return undefined;
    }
    throw new Error(`idempotency key ${holderKey} changed hands ${HOLDER_ATTEMPTS} times while a task was created`);
  }

  /** Task `id`, published first if it is still staged; `undefined` if it is gone. */
  async #published(id: string): Promise<TaskRecord | undefined> {
    const key = this.keys.task(id).task;
    this.countCommand();
    const stagedArgument = await this.client.hget(key, '@staged');
    if (stagedArgument !== null) {
      const argument = JSON.parse(stagedArgument) as NewTaskArgument;
      await this.runScript(SCRIPTS.publishTask, creationKeys(this.keys, argument), [this.keys.workChannel]);
    }
    this.countCommand();
    return taskFromHash(Object.entries(await this.client.hgetall(key)));
  }
}
