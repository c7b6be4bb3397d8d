import { expect, it } from 'vitest';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import type { TaskStore } from '../store/task-store.js';
import { sampleEvent, sampleSteps, sampleTask } from './sample-records.js';

/**
 * The event log cases of the store contract: events appended with their writes (and never with fenced ones), read
 * in id order after an id with filters, watched, and purged by age and count. Run by `describeStoreContract`.
 */
export function eventLogContractCases(store: () => TaskStore): void {
  const createTask = async (namespace = 'ecommerce') => {
    const task = sampleTask({ namespace });
    await store().createTask(task, sampleSteps(task.id));
    return task.id;
  };
  const all = async (after?: string) => store().readEvents({ limit: 1_000, ...(after === undefined ? {} : { after }) });

  it('appends the events of a commit in order, with increasing string ids, and reads on after an id', async () => {
    const taskId = await createTask();
    expect(await store().lastEventId()).toBeUndefined();
    const first = [sampleEvent(taskId, 'step.started', 1), sampleEvent(taskId, 'step.completed', 2)];
    await store().commit([{ taskId, transitions: [], events: first }]);
    const second = sampleEvent(taskId, 'step.failed', 3);
    await store().commit([{ taskId, events: [second] }]);
    const logged = await all();
    expect(logged.map((entry) => entry.event)).toEqual([...first, second]);
    for (const { id } of logged) expect(typeof id).toBe('string');
    expect(await store().lastEventId()).toBe(logged[2]!.id);
    expect(await all(logged[0]!.id)).toEqual(logged.slice(1));
    expect(await all(logged[2]!.id)).toEqual([]);
    expect(await store().readEvents({ limit: 2 })).toEqual(logged.slice(0, 2));
  });

  it('orders the events of one batch and of later batches across tasks by id', async () => {
    const [a, b] = [await createTask(), await createTask()];
    await store().commit([
      { taskId: a, events: [sampleEvent(a, 'step.started', 1)] },
      { taskId: b, events: [sampleEvent(b, 'step.started', 1)] },
    ]);
    await store().commit([{ taskId: b, events: [sampleEvent(b, 'step.completed', 2)] }]);
    await store().commit([{ taskId: a, events: [sampleEvent(a, 'step.completed', 3)] }]);
    const logged = await all();
    expect(logged.map(({ event }) => [event.taskId, event.type])).toEqual([
      [a, 'step.started'],
      [b, 'step.started'],
      [b, 'step.completed'],
      [a, 'step.completed'],
    ]);
    // Every id resumes exactly after itself.
    for (const [index, { id }] of logged.entries()) expect(await all(id)).toEqual(logged.slice(index + 1));
  });

  it('filters by type (names and patterns), namespace and task, and applies the limit after filtering', async () => {
    const [a, b] = [await createTask(), await createTask('billing')];
    await store().commit([
      { taskId: a, events: [sampleEvent(a, 'step.started', 1), sampleEvent(a, 'step.completed', 2)] },
      {
        taskId: b,
        events: [sampleEvent(b, 'step.started', 1, 'billing'), sampleEvent(b, 'step.failed', 2, 'billing')],
      },
    ]);
    const types = async (query: Parameters<TaskStore['readEvents']>[0]) =>
      (await store().readEvents(query)).map(({ event }) => `${event.taskId === a ? 'a' : 'b'}:${event.type}`);
    expect(await types({ limit: 10, types: ['step.completed', 'step.failed'] })).toEqual([
      'a:step.completed',
      'b:step.failed',
    ]);
    expect(await types({ limit: 10, types: ['step.*'], namespace: 'billing' })).toEqual([
      'b:step.started',
      'b:step.failed',
    ]);
    expect(await types({ limit: 10, types: ['task.*'] })).toEqual([]);
    expect(await types({ limit: 10, taskId: a })).toEqual(['a:step.started', 'a:step.completed']);
    const [firstOfA] = await store().readEvents({ limit: 1, taskId: a });
    expect(await types({ limit: 10, taskId: a, after: firstOfA!.id })).toEqual(['a:step.completed']);
    expect(await types({ limit: 1, types: ['*'], taskId: b })).toEqual(['b:step.started']);
  });

  it('logs no event of a fenced write, and the events of the batch’s other writes', async () => {
    const [a, b] = [await createTask(), await createTask()];
    const now = 2_000_000_000_000;
    await store().claimTask(a, { workerId: 'w1', now, until: now + 30_000 });
    const result = await store().commit([
      { taskId: a, leaseToken: 99, events: [sampleEvent(a, 'step.completed', 1)] },
      { taskId: b, events: [sampleEvent(b, 'step.completed', 1)] },
    ]);
    expect(result.fenced).toEqual([a]);
    expect((await all()).map(({ event }) => event.taskId)).toEqual([b]);
  });

  it('tells a watcher after events are committed, and no more once it stops watching', async () => {
    const taskId = await createTask();
    let calls = 0;
    let told!: () => void;
    const toldOnce = new Promise<void>((resolve) => (told = resolve));
    const stop = await store().watchEvents(() => {
      calls++;
      told();
    });
    await store().commit([{ taskId, events: [sampleEvent(taskId, 'step.started', 1)] }]);
    await toldOnce;
    expect(calls).toBeGreaterThan(0);
    await stop();
  });

  it('purges the oldest events beyond a count and older than a time, at most `limit` at once, idempotently', async () => {
    const taskId = await createTask();
    const events = Array.from({ length: 6 }, (_, index) => sampleEvent(taskId, 'step.started', 100 + index));
    await store().commit([{ taskId, events }]);
    expect(await store().purgeEvents({ before: 0, keepNewest: 4, limit: 1 })).toBe(1);
    expect(await store().purgeEvents({ before: 0, keepNewest: 4, limit: 10 })).toBe(1);
    expect(await store().purgeEvents({ before: 0, keepNewest: 4, limit: 10 })).toBe(0);
    expect((await all()).map(({ event }) => event.at)).toEqual([102, 103, 104, 105]);
    expect(await store().purgeEvents({ before: 104, keepNewest: 100, limit: 10 })).toBe(2);
    expect((await all()).map(({ event }) => event.at)).toEqual([104, 105]);
    const last = await store().lastEventId();
    await store().purgeEvents({ before: Number.MAX_SAFE_INTEGER, keepNewest: 0, limit: 10 });
    expect(await all()).toEqual([]);
    // Ids are never reused: a later event still comes after the last one read before the purge.
    await store().commit([{ taskId, events: [sampleEvent(taskId, 'step.completed', 200)] }]);
    expect((await all(last)).map(({ event }) => event.at)).toEqual([200]);
    // Reads of one task forget the purged events too.
    expect((await store().readEvents({ taskId, limit: 10 })).map(({ event }) => event.at)).toEqual([200]);
  });

  it('refuses an `after` that is no event id of the store, naming it', async () => {
    await expect(store().readEvents({ after: 'not an id', limit: 10 })).rejects.toThrow(InvalidRequestError);
    await expect(store().readEvents({ after: 'not an id', limit: 10 })).rejects.toThrow(/after/);
  });
}
