import { expect, it } from 'vitest';
import type { TaskStore } from '../store/task-store.js';
import { sampleSteps, sampleTask } from './sample-records.js';

/** The stores' clock in these cases: after every sample task's creation. */
const NOW = 2_000_000_000_000;
const terms = (workerId: string, now = NOW) => ({ workerId, now, until: now + 30_000 });

/**
 * The signal cases of the store contract: signals kept per task and name, the first one staying, refused for
 * finished or unknown tasks, and a free passivated task made claimable by one. Run by `describeStoreContract`.
 */
export function signalContractCases(store: () => TaskStore): void {
  const createTask = async () => {
    const task = sampleTask({ createdAt: 1_000 });
    await store().createTask(task, sampleSteps(task.id));
    return task.id;
  };
  const claimed = async (now = NOW) =>
    (await store().claimTasks({ ...terms('w1', now), limit: 10 })).leases.map((lease) => lease.taskId);

  it('keeps the signals of a task, one per name, the first one sent staying, and reads them back equal', async () => {
    const taskId = await createTask();
    const other = await createTask();
    const approved = { taskId, name: 'approved', payload: { by: 'ana', note: 'ok ✓' }, sentAt: NOW };
    expect(await store().sendSignal(approved)).toBe('sent');
    expect(await store().sendSignal({ taskId, name: 'shipped', payload: null, sentAt: NOW + 1 })).toBe('sent');
    expect(await store().sendSignal({ ...approved, payload: 'again', sentAt: NOW + 2 })).toBe('duplicate');
    expect(await store().readSignals(taskId)).toEqual([
      approved,
      { taskId, name: 'shipped', payload: null, sentAt: NOW + 1 },
    ]);
    expect(await store().readSignals(other)).toEqual([]);
    expect(await store().readSignals('no-such-task')).toEqual([]);
  });

  it('keeps what a waiting step waits for in its row, and clears it when the step moves on', async () => {
    const taskId = await createTask();
    const step = sampleSteps(taskId)[0]!.name;
    const waitingFor = { signal: 'approved', until: NOW + 5 };
    await store().commit([{ taskId, steps: [{ name: step, state: 'waiting', waitingFor, nextRetryAt: NOW + 5 }] }]);
    expect((await store().getSteps(taskId))[0]).toMatchObject({ state: 'waiting', waitingFor, nextRetryAt: NOW + 5 });
    await store().commit([
      { taskId, steps: [{ name: step, state: 'in_progress', waitingFor: undefined, nextRetryAt: undefined }] },
    ]);
    const moved = (await store().getSteps(taskId))[0]!;
    expect(moved.state).toBe('in_progress');
    expect(moved.waitingFor).toBeUndefined();
  });

  it('stores no signal for a task that does not exist or is finished', async () => {
    const done = sampleTask({ state: 'completed' });
    await store().createTask(done, []);
    const signal = { name: 'approved', payload: 1, sentAt: NOW };
    expect(await store().sendSignal({ taskId: 'no-such-task', ...signal })).toBe('task_not_found');
    expect(await store().sendSignal({ taskId: done.id, ...signal })).toBe('task_finished');
    expect(await store().readSignals(done.id)).toEqual([]);
  });

  it('makes a passivated task claimable at once, and leaves a leased one to its holder', async () => {
    const taskId = await createTask();
    const [lease] = (await store().claimTasks({ ...terms('w1'), limit: 1 })).leases;
    await store().releaseLeases([{ ...lease!, wakeAt: NOW + 86_400_000 }]);
    expect(await claimed()).toEqual([]);
    await store().sendSignal({ taskId, name: 'approved', payload: true, sentAt: NOW });
    expect(await claimed()).toEqual([taskId]);
    // Held now: another signal wakes no one else before the lease ends.
    await store().sendSignal({ taskId, name: 'shipped', payload: true, sentAt: NOW + 1 });
    expect(await store().claimTasks({ ...terms('w2', NOW + 1), limit: 10 })).toMatchObject({ leases: [] });
  });
}
