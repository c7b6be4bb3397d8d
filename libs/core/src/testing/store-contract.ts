import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stepItemContractCases } from './step-item-contract.js';
import type { TaskStore } from '../store/task-store.js';
import { analyticsContractCases } from './analytics-contract.js';
import { eventLogContractCases } from './event-log-contract.js';
import { leaseContractCases } from './lease-contract.js';
import { retentionContractCases } from './retention-contract.js';
import { limitsContractCases } from './limits-contract.js';
import { priorityContractCases } from './priority-contract.js';
import { signalContractCases } from './signal-contract.js';
import { scheduleContractCases } from './schedule-contract.js';
import { sampleSteps, sampleTask } from './sample-records.js';
import { subscriberContractCases } from './subscriber-contract.js';
import { webhookDeliveryLogContractCases } from './webhook-delivery-log-contract.js';

/** Makes a fresh, empty store for one test; `close` is called after it. */
export type StoreFactory = () => Promise<TaskStore> | TaskStore;

/**
 * The behaviour every {@link TaskStore} promises, as a vitest suite. Each adapter runs it against its real backend:
 *
 * @example
 * describeStoreContract('PostgreSQL', async () => createKnexStore({ client: 'pg', connection: url }));
 */
export function describeStoreContract(name: string, makeStore: StoreFactory): void {
  describe(`TaskStore contract: ${name}`, () => {
    let store: TaskStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores a task with its steps and reads them back equal, steps in template order', async () => {
      const task = sampleTask();
      const steps = sampleSteps(task.id);
      expect(await store.createTask(task, [...steps].reverse())).toEqual({ task, created: true });
      expect(await store.getTask(task.id)).toEqual(task);
      expect(await store.getSteps(task.id)).toEqual(steps);
      expect(await store.getTransitions(task.id)).toEqual([]);
      expect(await store.getAnnotations(task.id)).toEqual([]);
      expect(await store.getSnapshot(task.id)).toBeUndefined();
    });

    it("keeps a task's request fields (initiator, source system, reason, tags) in reads and lists", async () => {
      const task = sampleTask({
        initiator: 'ops@example.com',
        sourceSystem: 'storefront',
        reason: 'reorder',
        tags: ['vip', 'express'],
      });
      await store.createTask(task, sampleSteps(task.id));
      expect(await store.getTask(task.id)).toEqual(task);
      expect((await store.listTasks({ correlationId: task.correlationId })).tasks).toEqual([task]);
    });

    it("keeps a task's trace context carrier and reads it back equal", async () => {
      const traceContext = {
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        tracestate: 'vendor=value,other=two',
      };
      const task = sampleTask({ traceContext });
      const untraced = sampleTask();
      await store.createTasks([
        { task, steps: sampleSteps(task.id) },
        { task: untraced, steps: [] },
      ]);
      await store.commit([{ taskId: task.id, task: { state: 'in_progress', startedAt: 5, updatedAt: 5 } }]);
      expect((await store.getTask(task.id))?.traceContext).toEqual(traceContext);
      expect(await store.getTask(untraced.id)).not.toHaveProperty('traceContext');
      expect((await store.listTasks({ state: 'in_progress' })).tasks[0]?.traceContext).toEqual(traceContext);
    });

    it("keeps a task's deadline in reads and lists, and changes or clears it with a commit", async () => {
      const task = sampleTask({ deadlineAt: 1_700_000_900_000 });
      const untimed = sampleTask();
      await store.createTasks([
        { task, steps: sampleSteps(task.id) },
        { task: untimed, steps: [] },
      ]);
      expect(await store.getTask(task.id)).toEqual(task);
      expect(await store.getTask(untimed.id)).not.toHaveProperty('deadlineAt');
      expect((await store.listTasks({ correlationId: task.correlationId })).tasks).toEqual([task]);
      // An operator's retry gives the task a fresh deadline; a patch without the field leaves it alone.
      await store.commit([{ taskId: task.id, task: { state: 'in_progress', deadlineAt: 1_700_001_000_000 } }]);
      await store.commit([{ taskId: task.id, task: { updatedAt: 6 } }]);
      expect((await store.getTask(task.id))?.deadlineAt).toBe(1_700_001_000_000);
      await store.commit([{ taskId: task.id, task: { deadlineAt: undefined } }]);
      expect(await store.getTask(task.id)).not.toHaveProperty('deadlineAt');
    });

    it('answers a repeated idempotency key with the first task and stores nothing new', async () => {
      const first = sampleTask({ idempotencyKey: 'order-42' });
      await store.createTask(first, sampleSteps(first.id));
      const again = sampleTask({ idempotencyKey: 'order-42' });
      const result = await store.createTask(again, sampleSteps(again.id));
      expect(result.created).toBe(false);
      expect(result.task.id).toBe(first.id);
      expect(await store.getTask(again.id)).toBeUndefined();
      expect(await store.getSteps(again.id)).toEqual([]);
    });

    it('creates several tasks at once, in order, a key repeated in the batch answering with the first', async () => {
      const first = sampleTask({ idempotencyKey: 'batch-key' });
      const other = sampleTask();
      const repeat = sampleTask({ idempotencyKey: 'batch-key' });
      const results = await store.createTasks([
        { task: first, steps: sampleSteps(first.id) },
        { task: other, steps: sampleSteps(other.id) },
        { task: repeat, steps: sampleSteps(repeat.id) },
      ]);
      expect(results.map((result) => [result.task.id, result.created])).toEqual([
        [first.id, true],
        [other.id, true],
        [first.id, false],
      ]);
      expect(await store.getSteps(other.id)).toEqual(sampleSteps(other.id));
      expect(await store.getTask(repeat.id)).toBeUndefined();
    });

    it('scopes idempotency keys to a namespace and template name', async () => {
      const payments = sampleTask({ namespace: 'payments', idempotencyKey: 'k' });
      const ecommerce = sampleTask({ namespace: 'ecommerce', idempotencyKey: 'k' });
      expect((await store.createTask(payments, [])).created).toBe(true);
      expect((await store.createTask(ecommerce, [])).created).toBe(true);
    });

    it('applies a write: row fields set and cleared, history and annotations appended, snapshot kept', async () => {
      const task = sampleTask({ errorMessage: 'old' });
      await store.createTask(task, sampleSteps(task.id));
      const snapshot = { machineVersion: 1, state: { value: 'running', context: { nested: [1, { a: null }] } } };
      await store.commit([
        {
          taskId: task.id,
          task: { state: 'in_progress', startedAt: 5, updatedAt: 5, errorMessage: undefined },
          steps: [
            {
              name: 'validate_cart',
              state: 'completed',
              attempts: 1,
              results: { total: 19 },
              durationMs: 3,
              completedAt: 5,
            },
          ],
          transitions: [
            { taskId: task.id, from: 'pending', to: 'in_progress', by: 'engine', at: 5 },
            {
              taskId: task.id,
              stepName: 'validate_cart',
              from: 'in_progress',
              to: 'completed',
              attempt: 1,
              by: 'engine',
              at: 5,
            },
          ],
          annotations: [{ taskId: task.id, type: 'payment_processed', content: { amount: 19 }, createdAt: 5 }],
          snapshot,
        },
      ]);
      const stored = await store.getTask(task.id);
      expect(stored).toMatchObject({ state: 'in_progress', startedAt: 5, updatedAt: 5 });
      expect(stored?.errorMessage).toBeUndefined();
      const step = (await store.getSteps(task.id)).find((candidate) => candidate.name === 'validate_cart');
      expect(step).toMatchObject({
        state: 'completed',
        attempts: 1,
        results: { total: 19 },
        durationMs: 3,
        completedAt: 5,
      });
      expect((await store.getTransitions(task.id)).map((transition) => transition.to)).toEqual([
        'in_progress',
        'completed',
      ]);
      expect(await store.getAnnotations(task.id)).toEqual([
        { taskId: task.id, type: 'payment_processed', content: { amount: 19 }, createdAt: 5 },
      ]);
      expect(await store.getSnapshot(task.id)).toEqual(snapshot);
    });

    it('clears a step field written as undefined', async () => {
      const task = sampleTask();
      await store.createTask(task, sampleSteps(task.id));
      const error = { message: 'boom', code: 'HANDLER_ERROR', name: 'Error' };
      await store.commit([
        { taskId: task.id, steps: [{ name: 'validate_cart', state: 'waiting_for_retry', error, nextRetryAt: 99 }] },
      ]);
      await store.commit([
        { taskId: task.id, steps: [{ name: 'validate_cart', state: 'in_progress', nextRetryAt: undefined }] },
      ]);
      const step = (await store.getSteps(task.id)).find((candidate) => candidate.name === 'validate_cart');
      expect(step?.nextRetryAt).toBeUndefined();
      expect(step?.error).toEqual(error);
    });

    it('keeps history in commit order across batches', async () => {
      const task = sampleTask();
      await store.createTask(task, sampleSteps(task.id));
      const states = ['in_progress', 'waiting_for_retry', 'in_progress', 'completed'] as const;
      for (const [index, to] of states.entries()) {
        await store.commit([
          {
            taskId: task.id,
            transitions: [
              { taskId: task.id, stepName: 'validate_cart', from: 'pending', to, attempt: index, by: 'engine', at: 10 },
            ],
          },
        ]);
      }
      expect((await store.getTransitions(task.id)).map((transition) => transition.to)).toEqual([...states]);
    });

    it('commits a batch of several tasks all or nothing', async () => {
      const known = sampleTask();
      await store.createTask(known, sampleSteps(known.id));
      await expect(
        store.commit([
          { taskId: known.id, task: { state: 'in_progress' } },
          { taskId: sampleTask().id, task: { state: 'in_progress' } },
        ]),
      ).rejects.toThrow();
      expect((await store.getTask(known.id))?.state).toBe('pending');
    });

    it('returns copies that callers cannot change the store through', async () => {
      const task = sampleTask();
      await store.createTask(task, sampleSteps(task.id));
      const read = await store.getTask(task.id);
      (read!.context as { cart_items: unknown[] }).cart_items.push('tampered');
      read!.tags.push('tampered');
      expect(await store.getTask(task.id)).toEqual(task);
    });

    it('lists tasks newest first with every filter', async () => {
      const a = sampleTask({ namespace: 'payments', name: 'process_refund', createdAt: 1000, correlationId: 'c-a' });
      const b = sampleTask({ state: 'completed', createdAt: 2000, version: '2.0.0' });
      const c = sampleTask({ state: 'failed', createdAt: 3000 });
      for (const task of [a, b, c]) await store.createTask(task, []);
      await store.commit([
        { taskId: c.id, annotations: [{ taskId: c.id, type: 'flagged', content: true, createdAt: 3000 }] },
      ]);
      const ids = async (filter: Parameters<TaskStore['listTasks']>[0]) =>
        (await store.listTasks(filter)).tasks.map((task) => task.id);
      expect(await ids({})).toEqual([c.id, b.id, a.id]);
      expect(await ids({ state: 'completed' })).toEqual([b.id]);
      expect(await ids({ state: ['failed', 'pending'] })).toEqual([c.id, a.id]);
      expect(await ids({ namespace: 'payments' })).toEqual([a.id]);
      expect(await ids({ name: 'process_refund' })).toEqual([a.id]);
      expect(await ids({ version: '2.0.0' })).toEqual([b.id]);
      expect(await ids({ correlationId: 'c-a' })).toEqual([a.id]);
      expect(await ids({ createdFrom: 2000 })).toEqual([c.id, b.id]);
      expect(await ids({ createdTo: 2000 })).toEqual([a.id]);
      expect(await ids({ annotationType: 'flagged' })).toEqual([c.id]);
    });

    it('pages through tasks with a cursor, ties broken by id', async () => {
      const tasks = Array.from({ length: 5 }, () => sampleTask({ createdAt: 7000 }));
      for (const task of tasks) await store.createTask(task, []);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listTasks({ limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...page.tasks.map((task) => task.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(
        tasks
          .map((task) => task.id)
          .sort()
          .reverse(),
      );
    });

    it('refuses a malformed cursor or page size by naming the field', async () => {
      await expect(store.listTasks({ cursor: 'not-a-cursor' })).rejects.toThrow(/cursor/);
      await expect(store.listTasks({ limit: 0 })).rejects.toThrow(/limit/);
    });

    it('reads the activity of a creation window: tasks oldest first, with their steps and failed attempts', async () => {
      const first = sampleTask({ createdAt: 1000, state: 'completed', startedAt: 1001, completedAt: 1500 });
      const newer = sampleTask({ createdAt: 2000, version: '2.0.0' });
      const payments = sampleTask({ createdAt: 2500, namespace: 'payments', name: 'process_refund' });
      const tooLate = sampleTask({ createdAt: 3000 });
      for (const task of [tooLate, payments, newer, first]) await store.createTask(task, sampleSteps(task.id));
      const error = { message: 'Gateway timeout', code: 'RETRYABLE_ERROR', name: 'RetryableError' };
      const failure = {
        taskId: first.id,
        stepName: 'validate_cart',
        from: 'in_progress',
        to: 'waiting_for_retry',
        attempt: 1,
        error,
        by: 'engine',
        at: 1100,
      } as const;
      await store.commit([
        {
          taskId: first.id,
          steps: [{ name: 'validate_cart', state: 'completed', attempts: 2, durationMs: 40, completedAt: 1200 }],
          transitions: [
            failure,
            {
              taskId: first.id,
              stepName: 'validate_cart',
              from: 'in_progress',
              to: 'completed',
              by: 'engine',
              at: 1200,
            },
          ],
        },
      ]);

      const all = await store.listActivity({ createdFrom: 1000, createdTo: 3000 });
      expect(all.map((activity) => activity.task.id)).toEqual([first.id, newer.id, payments.id]);
      expect(all[0]!.task).toEqual(first);
      expect(all[0]!.steps.map((step) => [step.name, step.state, step.attempts, step.durationMs])).toEqual([
        ['validate_cart', 'completed', 2, 40],
        ['process_payment', 'pending', 0, undefined],
      ]);
      expect(all[0]!.failures).toEqual([failure]);
      expect(all[1]!.failures).toEqual([]);

      const ids = async (filter: Parameters<TaskStore['listActivity']>[0]) =>
        (await store.listActivity(filter)).map((activity) => activity.task.id);
      expect(await ids({ createdFrom: 1000, createdTo: 3000, namespace: 'ecommerce' })).toEqual([first.id, newer.id]);
      expect(await ids({ createdFrom: 0, createdTo: 5000, name: 'process_refund' })).toEqual([payments.id]);
      expect(await ids({ createdFrom: 0, createdTo: 5000, version: '2.0.0' })).toEqual([newer.id]);
      expect(await ids({ createdFrom: 1001, createdTo: 2000 })).toEqual([]);
    });

    it('loads several tasks at once with their steps and snapshots, leaving out unknown ids', async () => {
      const started = sampleTask({ state: 'in_progress' });
      const fresh = sampleTask();
      const snapshot = { machineVersion: 2, state: { value: 'running', context: { list: [1, null] } } };
      await store.createTask(started, sampleSteps(started.id));
      await store.createTask(fresh, sampleSteps(fresh.id));
      await store.commit([{ taskId: started.id, steps: [{ name: 'validate_cart', results: null }], snapshot }]);
      const loaded = await store.loadTasks([fresh.id, sampleTask().id, started.id]);
      const byId = new Map(loaded.map((entry) => [entry.task.id, entry]));
      expect(loaded).toHaveLength(2);
      expect(byId.get(fresh.id)).toEqual({ task: fresh, steps: sampleSteps(fresh.id) });
      expect(byId.get(started.id)?.snapshot).toEqual(snapshot);
      expect(byId.get(started.id)?.steps).toEqual(await store.getSteps(started.id));
      expect(byId.get(started.id)?.steps[0]?.results).toBeNull();
      expect(await store.loadTasks([])).toEqual([]);
    });

    it('lists unfinished tasks oldest first', async () => {
      const old = sampleTask({ state: 'in_progress', createdAt: 1 });
      const done = sampleTask({ state: 'completed', createdAt: 2 });
      const fresh = sampleTask({ state: 'pending', createdAt: 3 });
      for (const task of [fresh, done, old]) await store.createTask(task, []);
      expect(await store.listUnfinishedTaskIds()).toEqual([old.id, fresh.id]);
    });

    describe('analytics', () => analyticsContractCases(() => store));
    describe('leases', () => leaseContractCases(() => store));
    describe('event log', () => eventLogContractCases(() => store));
    describe('signals', () => signalContractCases(() => store));
    describe('retention', () => retentionContractCases(() => store));
    describe('concurrency keys and rate limits', () => limitsContractCases(() => store));
    describe('priorities', () => priorityContractCases(() => store));
    describe('map step items', () => stepItemContractCases(() => store));
    describe('subscriber positions', () => subscriberContractCases(() => store));
    describe('webhook delivery log', () => webhookDeliveryLogContractCases(() => store));
    describe('schedules and delayed tasks', () => scheduleContractCases(() => store));

    it('answers nothing for an unknown task', async () => {
      const id = sampleTask().id;
      expect(await store.getTask(id)).toBeUndefined();
      expect(await store.getSteps(id)).toEqual([]);
      expect(await store.getTransitions(id)).toEqual([]);
      expect(await store.getSnapshot(id)).toBeUndefined();
    });
  });
}
