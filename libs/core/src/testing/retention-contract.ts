import { expect, it } from 'vitest';
import type { FinishedTaskState } from '../store/task-retention.js';
import type { TaskStore } from '../store/task-store.js';
import { sampleEvent, sampleSteps, sampleTask } from './sample-records.js';

/** When the sample tasks of these cases finish, give or take a few ms. */
const FINISHED = 1_800_000_000_000;

/**
 * The retention cases of the store contract: finished tasks listed by finish time and state, and purged with
 * everything they own, leaving other tasks and unfinished ones whole. Run by `describeStoreContract`.
 */
export function retentionContractCases(store: () => TaskStore): void {
  /**
   * A task that ran and finished in `state` at `finishedAt`, with everything a task owns: steps, a transition, an
   * annotation, a snapshot, a signal, events and an idempotency key.
   */
  const finishedTask = async (state: FinishedTaskState, finishedAt: number) => {
    const task = sampleTask();
    task.idempotencyKey = `key-${task.id}`;
    await store().createTask(task, sampleSteps(task.id));
    await store().sendSignal({ taskId: task.id, name: 'approved', payload: { by: 'ana' }, sentAt: finishedAt - 2 });
    await store().commit([
      {
        taskId: task.id,
        task: { state, updatedAt: finishedAt, completedAt: finishedAt },
        steps: [{ name: 'validate_cart', state: 'completed', results: { ok: true }, completedAt: finishedAt }],
        transitions: [{ taskId: task.id, from: 'in_progress', to: state, by: 'engine', at: finishedAt }],
        annotations: [{ taskId: task.id, type: 'audit', content: { note: 'done' }, createdAt: finishedAt }],
        snapshot: { machineVersion: 1, state: { value: state } },
        events: [sampleEvent(task.id, 'step.completed', finishedAt - 1)],
      },
    ]);
    return task;
  };
  const expired = (state: FinishedTaskState, before: number, limit = 100) =>
    store().listExpiredTasks({ state, before, limit });
  const eventsOf = async (taskId: string) => (await store().readEvents({ taskId, limit: 100 })).length;

  it('lists the tasks of one finished state that finished before a time, oldest first, page by page', async () => {
    const newer = await finishedTask('completed', FINISHED + 20);
    const older = await finishedTask('completed', FINISHED + 10);
    // Sample ids increase, so these two tie on time and come out in creation order.
    const tiedA = await finishedTask('completed', FINISHED + 15);
    const tiedB = await finishedTask('completed', FINISHED + 15);
    await finishedTask('completed', FINISHED + 30);
    const failed = await finishedTask('failed', FINISHED + 1);
    const running = sampleTask({ updatedAt: FINISHED });
    await store().createTask(running, sampleSteps(running.id));

    const listed = await expired('completed', FINISHED + 30);
    expect(listed.map((task) => task.id)).toEqual([older.id, tiedA.id, tiedB.id, newer.id]);
    expect(listed[0]).toEqual({
      id: older.id,
      namespace: older.namespace,
      name: older.name,
      version: older.version,
      state: 'completed',
      finishedAt: FINISHED + 10,
    });
    const firstPage = await expired('completed', FINISHED + 30, 2);
    expect(firstPage.map((task) => task.id)).toEqual([older.id, tiedA.id]);
    const after = { finishedAt: firstPage[1]!.finishedAt, id: firstPage[1]!.id };
    const nextPage = await store().listExpiredTasks({ state: 'completed', before: FINISHED + 30, after, limit: 2 });
    expect(nextPage.map((task) => task.id)).toEqual([tiedB.id, newer.id]);
    expect((await expired('failed', FINISHED + 30)).map((task) => task.id)).toEqual([failed.id]);
    expect(await expired('cancelled', FINISHED + 30)).toEqual([]);
  });

  it('purges everything of a finished task and nothing of another', async () => {
    const doomed = await finishedTask('failed', FINISHED);
    const kept = await finishedTask('failed', FINISHED + 1);
    expect(await eventsOf(doomed.id)).toBe(1);

    expect(await store().purgeTasks([doomed.id])).toEqual([doomed.id]);

    expect(await store().getTask(doomed.id)).toBeUndefined();
    expect(await store().getSteps(doomed.id)).toEqual([]);
    expect(await store().getTransitions(doomed.id)).toEqual([]);
    expect(await store().getAnnotations(doomed.id)).toEqual([]);
    expect(await store().getSnapshot(doomed.id)).toBeUndefined();
    expect(await store().readSignals(doomed.id)).toEqual([]);
    expect(await eventsOf(doomed.id)).toBe(0);
    expect(await store().loadTasks([doomed.id])).toEqual([]);
    expect((await store().listTasks({ state: 'failed' })).tasks.map((task) => task.id)).toEqual([kept.id]);
    expect((await store().listTasks({ annotationType: 'audit' })).tasks.map((task) => task.id)).toEqual([kept.id]);
    expect((await expired('failed', FINISHED + 10)).map((task) => task.id)).toEqual([kept.id]);

    expect((await store().getTask(kept.id))?.state).toBe('failed');
    expect(await store().getSteps(kept.id)).toHaveLength(2);
    expect(await store().getTransitions(kept.id)).toHaveLength(1);
    expect(await store().getAnnotations(kept.id)).toHaveLength(1);
    expect(await store().getSnapshot(kept.id)).toBeDefined();
    expect(await store().readSignals(kept.id)).toHaveLength(1);
    expect(await eventsOf(kept.id)).toBe(1);
  });

  it("frees a purged task's idempotency key: a request with it starts a new task", async () => {
    const doomed = await finishedTask('completed', FINISHED);
    const again = sampleTask({ idempotencyKey: doomed.idempotencyKey! });
    expect((await store().createTask(again, [])).task.id).toBe(doomed.id);
    await store().purgeTasks([doomed.id]);
    expect(await store().createTask(again, [])).toEqual({ task: again, created: true });
  });

  it('never purges an unfinished task, ignores unknown ids, and purging twice is harmless', async () => {
    const running = sampleTask();
    await store().createTask(running, sampleSteps(running.id));
    const done = await finishedTask('cancelled', FINISHED);
    expect(await store().purgeTasks([running.id, 'no-such-task', done.id])).toEqual([done.id]);
    expect(await store().purgeTasks([done.id])).toEqual([]);
    expect(await store().getTask(running.id)).toEqual(running);
    expect(await store().getSteps(running.id)).toHaveLength(2);
    expect(await store().listUnfinishedTaskIds()).toEqual([running.id]);
  });

  it('lists a task reopened after it finished by its state now, and no longer as finished', async () => {
    const reopened = await finishedTask('failed', FINISHED);
    await store().commit([{ taskId: reopened.id, task: { state: 'pending', updatedAt: FINISHED + 5 } }]);
    expect(await expired('failed', FINISHED + 10)).toEqual([]);
    expect(await store().purgeTasks([reopened.id])).toEqual([]);
    await store().commit([{ taskId: reopened.id, task: { state: 'completed', updatedAt: FINISHED + 6 } }]);
    expect((await expired('completed', FINISHED + 10)).map((task) => task.finishedAt)).toEqual([FINISHED + 6]);
  });

  it('archives into its table as it purges when it has one, and otherwise refuses to, deleting nothing', async () => {
    const done = await finishedTask('completed', FINISHED);
    if (store().archivesToTable) {
      expect(await store().purgeTasks([done.id], { archive: true })).toEqual([done.id]);
      expect(await store().getTask(done.id)).toBeUndefined();
    } else {
      await expect(store().purgeTasks([done.id], { archive: true })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
      expect(await store().getTask(done.id)).toBeDefined();
    }
  });
}
