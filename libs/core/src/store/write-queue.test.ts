import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../ports/logger.js';
import { sampleSteps, sampleTask } from '../testing/sample-records.js';
import { createMemoryStore, type MemoryStore } from './memory-store.js';
import { storeWith } from '../testing/store-with.js';
import type { TaskWrite } from './task-store.js';
import { WriteQueue, type WriteQueueHooks } from './write-queue.js';

const SNAPSHOT = () => ({ machineVersion: 1, state: {} });
const RETRY = { baseMs: 1, maxMs: 5 };

/** A write that starts the first step of `taskId`, with its history entry. */
const startWrite = (taskId: string): TaskWrite => ({
  taskId,
  task: { state: 'in_progress', updatedAt: 2 },
  steps: [{ name: 'validate_cart', state: 'in_progress', attempts: 1 }],
  transitions: [
    { taskId, stepName: 'validate_cart', from: 'pending', to: 'in_progress', attempt: 1, by: 'engine', at: 2 },
  ],
});

function hooks() {
  return {
    now: () => 5,
    rejected: vi.fn<WriteQueueHooks['rejected']>(),
    lost: vi.fn<WriteQueueHooks['lost']>(),
  };
}

async function storedTasks(memory: MemoryStore, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const task = sampleTask();
    await memory.createTask(task, sampleSteps(task.id));
    ids.push(task.id);
  }
  return ids;
}

/** Queues a start for each task and resolves with what each write's waiter was told. */
function enqueueAll(queue: WriteQueue, ids: string[]): Promise<Array<ReadonlyMap<string, string>>> {
  return Promise.all(
    ids.map(
      (id) =>
        new Promise<ReadonlyMap<string, string>>((resolve) =>
          queue.enqueue(startWrite(id), SNAPSHOT, undefined, resolve),
        ),
    ),
  );
}

describe('the write queue', () => {
  it('splits a batch the store refuses until each refused write is alone, and commits all the others', async () => {
    const memory = createMemoryStore();
    const ids = await storedTasks(memory, 8);
    const refused = new Set([ids[2]!, ids[5]!]);
    const calls: number[] = [];
    const store = storeWith(memory, {
      commit: (writes) => {
        calls.push(writes.length);
        // What JSON encoding does to a BigInt: the whole call fails, whoever else is in it.
        if (writes.some((write) => refused.has(write.taskId) && write.steps)) throw new TypeError('BigInt');
        return memory.commit(writes);
      },
    });
    const told = hooks();
    const queue = new WriteQueue(store, silentLogger, told, RETRY);
    const dropped = (await enqueueAll(queue, ids))[0]!;

    expect(calls[0]).toBe(8);
    expect([...dropped.keys()].sort()).toEqual([...refused].sort());
    for (const id of ids.filter((id) => !refused.has(id))) {
      expect((await memory.getTask(id))?.state).toBe('in_progress');
      expect(await memory.getTransitions(id)).toHaveLength(1);
    }
    for (const id of refused) {
      const task = await memory.getTask(id);
      expect(task?.state).toBe('failed');
      expect(task?.errorMessage).toBe("The store refused this task's data, so the task was failed: BigInt");
      expect((await memory.getSteps(id)).map((step) => step.state)).toEqual(['pending', 'pending']);
      expect(told.rejected).toHaveBeenCalledWith(id, expect.any(TypeError), expect.objectContaining({ taskId: id }));
    }
    expect(queue.health()).toMatchObject({ rejectedWrites: 2, lostTasks: 0, consecutiveFailures: 0 });
  });

  it('drops a task the store no longer holds and tells the engine it is lost', async () => {
    const memory = createMemoryStore();
    const ids = await storedTasks(memory, 3);
    const told = hooks();
    const queue = new WriteQueue(memory, silentLogger, told, RETRY);
    const dropped = (await enqueueAll(queue, [...ids, 'vanished-task']))[0]!;
    expect(dropped).toEqual(new Map([['vanished-task', 'its rows vanished from the store']]));
    expect(told.lost).toHaveBeenCalledWith('vanished-task', expect.objectContaining({ code: 'TASK_NOT_FOUND' }));
    for (const id of ids) expect((await memory.getTask(id))?.state).toBe('in_progress');
    expect(queue.health().lostTasks).toBe(1);
  });

  it("answers each write's handle with whether it is durable and, when not, why", async () => {
    const memory = createMemoryStore();
    const [kept] = await storedTasks(memory, 1);
    const queue = new WriteQueue(memory, silentLogger, hooks(), RETRY);
    const first = queue.enqueue(startWrite(kept!), SNAPSHOT, undefined, () => {});
    const lost = queue.enqueue(startWrite('vanished-task'), SNAPSHOT, undefined, () => {});
    // Queued while the first batch commits, so in the next one: its handle settles only after the first batch's.
    await new Promise((resolve) => setImmediate(resolve));
    const later = queue.enqueue(
      { taskId: kept!, task: { state: 'completed', updatedAt: 3 } },
      SNAPSHOT,
      undefined,
      () => {},
    );
    expect(await later).toEqual({ durable: true });
    expect((await memory.getTask(kept!))?.state).toBe('completed');
    expect(await first).toEqual({ durable: true });
    expect(await lost).toEqual({ durable: false, why: 'its rows vanished from the store' });
  });

  it('retries a transient failure, telling its health meanwhile, and commits the batch whole', async () => {
    const memory = createMemoryStore();
    const ids = await storedTasks(memory, 2);
    let failures = 3;
    let healthWhileFailing: ReturnType<WriteQueue['health']> | undefined;
    const queue: WriteQueue = new WriteQueue(
      storeWith(memory, {
        commit: (writes) => {
          if (failures-- > 0) {
            healthWhileFailing = queue.health();
            return Promise.reject(new Error('read ECONNRESET'));
          }
          return memory.commit(writes);
        },
      }),
      silentLogger,
      hooks(),
      RETRY,
    );
    const dropped = (await enqueueAll(queue, ids))[0]!;
    expect(dropped.size).toBe(0);
    expect(healthWhileFailing).toMatchObject({ consecutiveFailures: 2, failedCommits: 2 });
    expect(healthWhileFailing?.failingSince).toBeLessThanOrEqual(Date.now());
    const health = queue.health();
    expect(health).toMatchObject({ consecutiveFailures: 0, failedCommits: 3, oldestPendingWriteAgeMs: 0 });
    expect(health.failingSince).toBeUndefined();
  });

  it('answers a creation the store refuses alone, and creates the others of its batch', async () => {
    const memory = createMemoryStore();
    const store = storeWith(memory, {
      createTasks: (requests) =>
        requests.some((request) => request.task.name === 'refused')
          ? Promise.reject(new TypeError('BigInt'))
          : memory.createTasks(requests),
    });
    const queue = new WriteQueue(store, silentLogger, hooks(), RETRY);
    const tasks = Array.from({ length: 5 }, (_, index) => sampleTask(index === 3 ? { name: 'refused' } : {}));
    const answers = await Promise.allSettled(tasks.map((task) => queue.create({ task, steps: sampleSteps(task.id) })));
    expect(answers.map((answer) => answer.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(answers[3]).toMatchObject({
      reason: { name: 'WriteRejectedError', code: 'INVALID_REQUEST', field: 'request' },
    });
    expect((await memory.listTasks()).tasks).toHaveLength(4);
    expect(queue.health().rejectedWrites).toBe(1);
  });
});
