import { expect, it } from 'vitest';
import type { TaskStore } from '../store/task-store.js';
import { sampleSteps, sampleTask } from './sample-records.js';

/** The stores' clock in these cases: after every sample task's creation. */
const NOW = 2_000_000_000_000;
const LEASE_MS = 30_000;
const terms = (workerId: string, now = NOW) => ({ workerId, now, until: now + LEASE_MS });

/**
 * The lease cases of the store contract: claims, fencing tokens checked by the write itself,
 * renewals, releases with wake-up times, and the end of a lease with the task. Run by `describeStoreContract`.
 */
export function leaseContractCases(store: () => TaskStore): void {
  const createTasks = async (count: number, overrides: Parameters<typeof sampleTask>[0] = {}) => {
    const tasks = Array.from({ length: count }, (_, index) => sampleTask({ createdAt: 1_000 + index, ...overrides }));
    await store().createTasks(tasks.map((task) => ({ task, steps: sampleSteps(task.id) })));
    return tasks.map((task) => task.id);
  };
  const claimedIds = async (workerId: string, limit: number, now = NOW) =>
    (await store().claimTasks({ ...terms(workerId, now), limit })).leases.map((lease) => lease.taskId);

  it('claims unfinished tasks due longest first (then oldest), up to the limit, each for one worker until its lease expires', async () => {
    const [a, b, c] = await createTasks(3);
    const done = sampleTask({ state: 'completed' });
    await store().createTask(done, []);
    expect(await claimedIds('w1', 2)).toEqual([a, b]);
    expect(await claimedIds('w2', 5)).toEqual([c]);
    expect(await claimedIds('w2', 5, NOW + LEASE_MS - 1)).toEqual([]);
    const expired = await store().claimTasks({ ...terms('w2', NOW + LEASE_MS), limit: 2 });
    expect(expired.leases).toEqual([
      { taskId: a, token: 2 },
      { taskId: b, token: 2 },
    ]);
  });

  it('never leases one task to two workers claiming at once', async () => {
    const ids = await createTasks(6);
    const claims = await Promise.all(['w1', 'w2', 'w3'].map((worker) => claimedIds(worker, 3)));
    const all = claims.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual([...ids].sort());
  });

  it('creates a task leased to its worker with token 1', async () => {
    const task = sampleTask();
    await store().createTasks([{ task, steps: sampleSteps(task.id), lease: { workerId: 'w1', until: NOW + 10 } }]);
    expect(await claimedIds('w2', 5)).toEqual([]);
    expect((await store().claimTasks({ ...terms('w2', NOW + 10), limit: 5 })).leases).toEqual([
      { taskId: task.id, token: 2 },
    ]);
  });

  it('raises the token by exactly one at every claim, so a worker claiming back a task tells whether anyone held it since', async () => {
    const [id] = await createTasks(1);
    const later = (leases: number) => NOW + leases * LEASE_MS + 1;
    const tokens = [
      (await store().claimTasks({ ...terms('w1'), limit: 1 })).leases[0]?.token,
      (await store().claimTask(id!, terms('operator', later(1))))?.token,
      (await store().claimTasks({ ...terms('w1', later(2)), limit: 1 })).leases[0]?.token,
      (await store().claimTasks({ ...terms('w1', later(2) + 1), limit: 1, reclaimOwn: true })).leases[0]?.token,
    ];
    expect(tokens).toEqual([1, 2, 3, 4]);
  });

  it('refuses writes with a stale token in the commit itself, applying the rest of the batch', async () => {
    const [first] = await createTasks(1);
    const [stale] = (await store().claimTasks({ ...terms('w1'), limit: 1 })).leases;
    const [current] = (await store().claimTasks({ ...terms('w2', NOW + LEASE_MS), limit: 1 })).leases;
    const [second] = await createTasks(1);
    expect([stale!.taskId, current!.taskId, current!.token]).toEqual([first, first, 2]);
    const result = await store().commit([
      {
        taskId: first!,
        task: { state: 'in_progress' },
        steps: [{ name: 'validate_cart', state: 'completed' }],
        leaseToken: 1,
      },
      { taskId: second!, task: { state: 'in_progress' } },
    ]);
    expect(result.fenced).toEqual([first]);
    expect((await store().getTask(first!))?.state).toBe('pending');
    expect((await store().getSteps(first!))[0]?.state).toBe('pending');
    expect((await store().getTask(second!))?.state).toBe('in_progress');
    expect((await store().commit([{ taskId: first!, task: { state: 'in_progress' }, leaseToken: 2 }])).fenced).toEqual(
      [],
    );
    expect((await store().getTask(first!))?.state).toBe('in_progress');
  });

  it('renews leases still held and reports the lost ones', async () => {
    const [a] = await createTasks(2);
    const leases = (await store().claimTasks({ ...terms('w1'), limit: 2 })).leases;
    expect(await store().renewLeases('w1', leases, NOW + 2 * LEASE_MS)).toEqual([]);
    expect(await claimedIds('w2', 5, NOW + LEASE_MS)).toEqual([]);
    expect(await claimedIds('w2', 1, NOW + 2 * LEASE_MS)).toEqual([a]);
    expect(await store().renewLeases('w1', leases, NOW + 3 * LEASE_MS)).toEqual([a]);
    expect(await claimedIds('w3', 5, NOW + 2 * LEASE_MS)).toEqual([]);
  });

  it('releases leases: claimable at once, or from a wake-up time that claims report as the next due', async () => {
    const [a, b] = await createTasks(2);
    const [leaseA, leaseB] = (await store().claimTasks({ ...terms('w1'), limit: 2 })).leases;
    await store().releaseLeases([leaseA!, { ...leaseB!, wakeAt: NOW + 500 }]);
    const claim = await store().claimTasks({ ...terms('w2'), limit: 5 });
    expect(claim.leases.map((lease) => lease.taskId)).toEqual([a]);
    expect(claim.nextDueAt).toBe(NOW + 500);
    expect(await claimedIds('w2', 5, NOW + 500)).toEqual([b]);
  });

  it('ignores a release with a stale token', async () => {
    await createTasks(1);
    const [old] = (await store().claimTasks({ ...terms('w1'), limit: 1 })).leases;
    await store().claimTasks({ ...terms('w2', NOW + LEASE_MS), limit: 1 });
    await store().releaseLeases([old!]);
    expect(await claimedIds('w3', 1, NOW + LEASE_MS + 1)).toEqual([]);
  });

  it('ends the lease of a task written to a finished state; an operator can still claim it', async () => {
    const [id] = await createTasks(1);
    const [lease] = (await store().claimTasks({ ...terms('w1'), limit: 1 })).leases;
    await store().commit([{ taskId: id!, task: { state: 'failed' }, leaseToken: lease!.token }]);
    expect(await claimedIds('w2', 5, NOW + 10 * LEASE_MS)).toEqual([]);
    expect(await store().listWorkers(NOW)).toEqual([]);
    expect(await store().claimTask(id!, terms('operator'))).toEqual({ taskId: id, token: 2 });
  });

  it('claims one task for an operator unless another worker holds it', async () => {
    const [id] = await createTasks(1);
    await store().claimTasks({ ...terms('w1'), limit: 1 });
    expect(await store().claimTask(id!, terms('operator'))).toBeUndefined();
    expect(await store().claimTask(id!, terms('operator', NOW + LEASE_MS))).toEqual({ taskId: id, token: 2 });
    expect(await store().claimTask(sampleTask().id, terms('operator'))).toBeUndefined();
  });

  it('lets a restarted worker take back its own leases at once', async () => {
    const [a, b] = await createTasks(2);
    await store().claimTasks({ ...terms('w1'), limit: 1 });
    const reclaimed = await store().claimTasks({ ...terms('w1', NOW + 1), limit: 5, reclaimOwn: true });
    expect(reclaimed.leases).toEqual([
      { taskId: b, token: 1 },
      { taskId: a, token: 2 },
    ]);
  });

  it('counts the tasks waiting to be claimed: due, unfinished, held by no unexpired lease', async () => {
    await createTasks(3);
    await store().createTask(sampleTask({ state: 'completed' }), []);
    const [lease] = (await store().claimTasks({ ...terms('w1'), limit: 1 })).leases;
    await store().releaseLeases([{ ...lease!, wakeAt: NOW + 100 }]);
    await store().claimTasks({ ...terms('w2'), limit: 1 });
    expect(await store().countWaiting(NOW)).toBe(1);
    expect(await store().countWaiting(NOW + 100)).toBe(2);
    expect(await store().countWaiting(NOW + LEASE_MS)).toBe(3);
  });

  it('lists the workers holding leases', async () => {
    await createTasks(3);
    await store().claimTasks({ ...terms('w1'), limit: 2 });
    await store().claimTasks({ ...terms('w2', NOW + 5), limit: 2 });
    expect(await store().listWorkers(NOW + 10)).toEqual([
      { workerId: 'w1', leases: 2, firstExpiry: NOW + LEASE_MS },
      { workerId: 'w2', leases: 1, firstExpiry: NOW + 5 + LEASE_MS },
    ]);
    expect(await store().listWorkers(NOW + LEASE_MS)).toEqual([
      { workerId: 'w2', leases: 1, firstExpiry: NOW + 5 + LEASE_MS },
    ]);
  });

  it('announces claimable work to watchers: tasks created without a lease, leases released', async () => {
    const watch = store().watchWork?.bind(store());
    if (!watch) return;
    let notified = 0;
    let resolveNext = () => {};
    const next = () => new Promise<void>((resolve) => (resolveNext = resolve));
    const stop = await watch(() => {
      notified++;
      resolveNext();
    });
    try {
      let arrived = next();
      await createTasks(1);
      await arrived;
      arrived = next();
      const [lease] = (await store().claimTasks({ ...terms('w1'), limit: 1 })).leases;
      await store().releaseLeases([lease!]);
      await arrived;
      expect(notified).toBeGreaterThanOrEqual(2);
    } finally {
      await stop();
    }
  });
}
