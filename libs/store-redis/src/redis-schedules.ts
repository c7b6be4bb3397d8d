import type { ScheduleAdvance, ScheduleRecord } from '@tasker/core';
import { RedisSeam } from './redis-seam.js';
import { SCRIPTS } from './scripts.js';

/** The fields of a schedule kept beside its `record`, which a fire changes. */
const MOVING_FIELDS = ['nextFireAt', 'lastTaskId', 'updatedAt'] as const;

function toHash(schedule: ScheduleRecord): string[] {
  const record: Record<string, unknown> = { ...schedule };
  const fields: string[] = [];
  for (const field of MOVING_FIELDS) {
    if (record[field] !== undefined) fields.push(field, JSON.stringify(record[field]));
    delete record[field];
  }
  return ['record', JSON.stringify(record), ...fields];
}

function fromHash(hash: Record<string, string>): ScheduleRecord | undefined {
  if (hash['record'] === undefined) return undefined;
  const schedule = JSON.parse(hash['record']) as Record<string, unknown>;
  for (const field of MOVING_FIELDS) {
    if (hash[field] !== undefined) schedule[field] = JSON.parse(hash[field]);
  }
  return schedule as unknown as ScheduleRecord;
}

/** The Redis store's schedules (see `ScheduleStore` and the key table in `redis-keys.ts`). */
export class RedisSchedules extends RedisSeam {
  async save(schedule: ScheduleRecord): Promise<void> {
    this.countCommand();
    const key = this.keys.schedule(schedule.id);
    // One transaction: the old hash goes, so that a field the new schedule lacks (lastTaskId) reads back absent.
    await this.client
      .multi()
      .del(key)
      .hset(key, ...toHash(schedule))
      .zadd(this.keys.schedules, 0, schedule.id)
      .exec();
  }

  async get(id: string): Promise<ScheduleRecord | undefined> {
    this.countCommand();
    return fromHash(await this.client.hgetall(this.keys.schedule(id)));
  }

  async list(): Promise<ScheduleRecord[]> {
    this.countCommand();
    const ids = await this.client.zrange(this.keys.schedules, 0, '-1');
    if (ids.length === 0) return [];
    this.countCommand();
    const pipeline = this.client.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.schedule(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies
      .map(([error, hash]) => {
        if (error) throw error;
        return fromHash(hash as Record<string, string>);
      })
      .filter((schedule): schedule is ScheduleRecord => schedule !== undefined);
  }

  async delete(id: string): Promise<boolean> {
    this.countCommand();
    const replies = await this.client.multi().del(this.keys.schedule(id)).zrem(this.keys.schedules, id).exec();
    return replies?.[0]?.[1] === 1;
  }

  async advance(id: string, from: number, advance: ScheduleAdvance): Promise<boolean> {
    const fields = MOVING_FIELDS.flatMap((field) =>
      advance[field] === undefined ? [] : [field, JSON.stringify(advance[field])],
    );
    const changed = await this.runScript(
      SCRIPTS.advanceSchedule,
      [this.keys.schedule(id)],
      [JSON.stringify(from), ...fields],
    );
    return changed === 1;
  }
}
