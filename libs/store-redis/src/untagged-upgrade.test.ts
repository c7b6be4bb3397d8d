import type { TaskRecord } from '@tasker/core';
import { sampleEvent, sampleSteps, sampleTask } from '@tasker/core/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { indexMember } from './index-member.js';
import { stepHashFields, toHashFields } from './record-codec.js';
import { idempotencySuffix } from './redis-keys.js';
import { TEST_REDIS_URL, uniquePrefix } from './test-fixtures/test-redis.js';
import { TestStores } from './test-fixtures/test-stores.js';

const NOW = 2_000_000_000_000;
const LEASE_UNTIL = NOW + 30_000;

const stores = new TestStores();
const raw = new Redis(TEST_REDIS_URL);

afterEach(() => stores.cleanUp());
afterAll(() => raw.quit());

/**
 * What a store of data model 2 (keys without hash tags, lease fields in the task's hash, no retention index) left
 * under `prefix`: a running task leased to `w1` with token 3 and an event, a pending task holding an idempotency key,
 * a completed one; a subscriber's position and a batch record.
 */
async function writeVersion2(prefix: string, tasks: { running: TaskRecord; pending: TaskRecord; done: TaskRecord }) {
  const { running, pending, done } = tasks;
  const transaction = raw.multi();
  for (const task of [running, pending, done]) {
    const member = indexMember(task.createdAt, task.id);
    transaction.hset(`${prefix}task:${task.id}`, ...toHashFields(task), '@member', member);
    transaction.hset(`${prefix}steps:${task.id}`, ...sampleSteps(task.id).flatMap(stepHashFields));
    for (const suffix of ['all', `state:${task.state}`, `namespace:${task.namespace}`, `name:${task.name}`]) {
      transaction.zadd(`${prefix}idx:${suffix}`, 0, member);
    }
    if (task !== done) transaction.zadd(`${prefix}idx:unfinished`, 0, member);
  }
  const runningMember = indexMember(running.createdAt, running.id);
  transaction.hset(`${prefix}task:${running.id}`, '@owner', 'w1', '@token', 3);
  transaction.zadd(`${prefix}idx:leased`, LEASE_UNTIL, runningMember);
  transaction.zadd(`${prefix}idx:claimable`, LEASE_UNTIL, runningMember);
  transaction.zadd(`${prefix}idx:claimable`, pending.createdAt, indexMember(pending.createdAt, pending.id));
  transaction.rpush(`${prefix}transitions:${running.id}`, JSON.stringify({ taskId: running.id, from: 'pending' }));
  transaction.set(`${prefix}idempotency:${idempotencySuffix(pending, pending.idempotencyKey!)}`, pending.id);
  transaction.zadd(`${prefix}commit:old-instance`, 1, 'batch-1');
  transaction.set(`${prefix}schema`, '2');
  await transaction.exec();
  const eventId = (await raw.xadd(
    `${prefix}events`,
    '*',
    ...['at', '1', 't', running.id, 'e', JSON.stringify(sampleEvent(running.id))],
  ))!;
  await raw.rpush(`${prefix}task-events:${running.id}`, eventId);
  await raw.hset(`${prefix}subscriber:audit`, 'position', eventId, 'owner', 'w1', 'token', 1, 'until', 0);
  return eventId;
}

describe('upgrading a prefix of data model 2 (keys without hash tags)', () => {
  it('moves every task, index, lease, event and subscriber into the shards and the store-wide slot', async () => {
    const prefix = uniquePrefix();
    const tasks = {
      running: sampleTask({ state: 'in_progress', createdAt: 1_000 }),
      pending: sampleTask({ createdAt: 1_001, idempotencyKey: 'order-1' }),
      done: sampleTask({ state: 'completed', createdAt: 1_002, updatedAt: 50 }),
    };
    const eventId = await writeVersion2(prefix, tasks);
    const store = stores.open(prefix, TEST_REDIS_URL, { shards: 4 });
    await Promise.all([store.migrate(), stores.open(prefix, TEST_REDIS_URL, { shards: 4 }).migrate()]);
    await store.migrate();

    for (const task of Object.values(tasks)) expect(await store.getTask(task.id)).toEqual(task);
    expect(await store.getSteps(tasks.running.id)).toEqual(sampleSteps(tasks.running.id));
    expect(await store.getTransitions(tasks.running.id)).toHaveLength(1);
    expect((await store.listTasks({ namespace: tasks.done.namespace })).tasks.map((task) => task.id)).toEqual(
      [tasks.done, tasks.pending, tasks.running].map((task) => task.id),
    );
    // The lease stays w1's, with its token: another worker gets the free task only, w1 takes its own back.
    const terms = { now: NOW, until: NOW + 60_000, limit: 5 };
    expect((await store.claimTasks({ ...terms, workerId: 'w2' })).leases).toEqual([
      { taskId: tasks.pending.id, token: 1 },
    ]);
    expect((await store.claimTasks({ ...terms, workerId: 'w1', reclaimOwn: true })).leases).toEqual([
      { taskId: tasks.running.id, token: 4 },
    ]);
    expect(await store.readEvents({ taskId: tasks.running.id, limit: 10 })).toEqual([
      { id: eventId, event: sampleEvent(tasks.running.id) },
    ]);
    expect(await store.readSubscriberPosition('audit')).toBe(eventId);
    const again = await store.createTask(sampleTask({ idempotencyKey: 'order-1' }), []);
    expect([again.created, again.task.id]).toEqual([false, tasks.pending.id]);
    expect(await store.listExpiredTasks({ state: 'completed', before: 100, limit: 10 })).toMatchObject([
      { id: tasks.done.id, finishedAt: 50 },
    ]);
    // Nothing is left under the prefix without a hash tag but the idempotency key, whose name did not change.
    const untagged = (await raw.keys(`${prefix}*`)).filter((key) => !key.startsWith(`${prefix}{`));
    expect(untagged).toEqual([`${prefix}idempotency:${idempotencySuffix(tasks.pending, 'order-1')}`]);
  });

  it('makes the unfinished tasks of a version 1 prefix (no leases yet) claimable at once, oldest first', async () => {
    const prefix = uniquePrefix();
    const tasks = {
      running: sampleTask({ state: 'in_progress', createdAt: 1_000 }),
      pending: sampleTask({ createdAt: 1_001, idempotencyKey: 'order-2' }),
      done: sampleTask({ state: 'completed', createdAt: 1_002 }),
    };
    await writeVersion2(prefix, tasks);
    // What version 1 stored: no lease sets, no lease fields.
    await raw.del(`${prefix}idx:claimable`, `${prefix}idx:leased`);
    await raw.hdel(`${prefix}task:${tasks.running.id}`, '@owner', '@token');
    await raw.set(`${prefix}schema`, '1');
    const store = stores.open(prefix, TEST_REDIS_URL, { shards: 4 });
    await store.migrate();
    expect((await store.claimTasks({ workerId: 'w1', now: 1, until: 2, limit: 5 })).leases).toEqual([
      { taskId: tasks.running.id, token: 1 },
      { taskId: tasks.pending.id, token: 1 },
    ]);
  });
});
