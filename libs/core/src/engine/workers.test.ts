import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { RetryableError } from '../errors/retryable-error.js';
import type { HandlerRegistration } from '../handlers/handler-registry.js';
import { createMemoryStore, type MemoryStore } from '../store/memory-store.js';
import type { TaskStore } from '../store/task-store.js';
import { deferred } from '../testing/deferred.js';
import { waitForEvent } from '../testing/wait-for-event.js';
import { EXACT_BACKOFF, chain } from '../test-fixtures/engine-fixture.js';
import { settle } from '../test-fixtures/settle.js';
import { createEngine, type EngineOptions } from './create-engine.js';
import type { Logger } from '../ports/logger.js';

const LEASE_MS = 30_000;

/** A worker process as the tests model one: an engine of `test/flow` on a shared store and clock. */
function worker(
  store: TaskStore,
  clock: SimulatedClock,
  handlers: Record<string, HandlerRegistration>,
  options: EngineOptions = {},
) {
  const engine = createEngine({
    store,
    clock,
    leaseMs: LEASE_MS,
    defaults: { backoff: EXACT_BACKOFF },
    ...options,
  });
  for (const [name, handler] of Object.entries(handlers)) engine.registerHandler(name, handler);
  engine.registerTemplate({
    namespace: 'test',
    name: 'flow',
    version: '1.0.0',
    steps: chain(...Object.keys(handlers)),
  });
  return engine;
}

const request = { namespace: 'test', name: 'flow', context: {} };

/** A logger whose calls the test reads. */
function spyLogger(): Logger & { warn: ReturnType<typeof vi.fn> } {
  const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), child: () => logger };
  return logger;
}

/** Lets timers due by now on the simulated clock fire, and what they set off settle. */
async function advance(clock: SimulatedClock, ms: number) {
  clock.increment(ms);
  await settle(30);
}

describe('several workers on one store', () => {
  it('shares tasks accepted elsewhere among idle workers, each run by exactly one, at most `concurrency` each', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const ranBy = new Map<string, string[]>();
    const gates: Array<() => void> = [];
    const handlersOf = (name: string) => ({
      work: async (ctx: { task: { id: string } }) => {
        ranBy.set(ctx.task.id, [...(ranBy.get(ctx.task.id) ?? []), name]);
        await new Promise<void>((resolve) => gates.push(resolve));
        return name;
      },
    });
    const api = worker(store, clock, handlersOf('api'));
    const ids = await Promise.all(Array.from({ length: 5 }, () => api.runTask(request)));
    const one = worker(store, clock, handlersOf('one'), { concurrency: 2, workerId: 'one' });
    const two = worker(store, clock, handlersOf('two'), { concurrency: 2, workerId: 'two' });
    await Promise.all([one.start(), two.start()]);
    await settle(30);
    expect([one.activeTaskCount, two.activeTaskCount]).toEqual([2, 2]);
    expect((await store.listWorkers(clock.now())).map((held) => [held.workerId, held.leases])).toEqual([
      ['one', 2],
      ['two', 2],
    ]);
    while (ranBy.size < 5 || gates.length > 0) {
      gates.splice(0).forEach((open) => open());
      await settle(30);
    }
    for (const { taskId } of ids) expect((await api.getTask(taskId)).state).toBe('completed');
    expect([...ranBy.values()].every((workers) => workers.length === 1 && workers[0] !== 'api')).toBe(true);
    expect(await store.listWorkers(clock.now())).toEqual([]);
    await Promise.all([one.stop(), two.stop()]);
  });

  it("fences off a worker that lost its lease: the new owner's progress stands, the old one's write is refused", async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    // The first worker's heartbeats and claims do not reach the store, as when its process is frozen.
    const frozen = new Proxy(store, {
      get: (target, property: keyof MemoryStore) =>
        property === 'renewLeases' || property === 'claimTasks'
          ? () => Promise.reject(new Error('frozen'))
          : (target[property] as (...args: unknown[]) => unknown).bind(target),
    });
    const late = deferred<string>();
    const first = worker(frozen, clock, { pay: () => late.promise, ship: () => 'first shipped' }, { workerId: 'a' });
    await first.start();
    const { taskId } = await first.runTask(request);
    await waitForEvent(first, 'step.started');

    const second = worker(store, clock, { pay: () => 'second paid', ship: () => 'second shipped' }, { workerId: 'b' });
    await second.start();
    const done = second.waitForTask(taskId);
    await advance(clock, LEASE_MS);
    // The second worker counts the first one's attempt as interrupted and retries it after its backoff.
    await advance(clock, 1_000);
    const task = await done;
    expect(task.steps.map((step) => [step.name, step.state, step.results])).toEqual([
      ['pay', 'completed', 'second paid'],
      ['ship', 'completed', 'second shipped'],
    ]);

    late.resolve('first paid');
    await settle(30);
    expect(first.activeTaskCount).toBe(0);
    const after = await second.getTask(taskId);
    expect(after.steps.map((step) => step.results)).toEqual(['second paid', 'second shipped']);
    const history = await second.getHistory(taskId);
    expect(history.filter((entry) => entry.stepName === 'pay' && entry.to === 'completed')).toHaveLength(1);
    // The fenced write's events never reached the event log: only the new owner's completion is there.
    const completions = (await second.events.read({ taskId, types: ['step.completed'] })).map(({ event }) => event);
    expect(completions.map((event) => 'results' in event && event.results)).toEqual(['second paid', 'second shipped']);
    await Promise.all([first.stop(), second.stop()]);
  });

  it('reloads a task it claims back after another worker held it, instead of going on from its stale state', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    // The first worker hears nothing from the store at first, as when its process is frozen; then its claims get
    // through before any heartbeat tells it the lease was lost.
    let claimsFail = true;
    const frozen = new Proxy(store, {
      get: (target, property: keyof MemoryStore) =>
        property === 'renewLeases' || (property === 'claimTasks' && claimsFail)
          ? () => Promise.reject(new Error('frozen'))
          : (target[property] as (...args: unknown[]) => unknown).bind(target),
    });
    const settings = { passivateAfterMs: 60_000, defaults: { backoff: { ...EXACT_BACKOFF, maxMs: 7_200_000 } } };
    const late = deferred<string>();
    const firstRuns: string[] = [];
    const first = worker(
      frozen,
      clock,
      {
        pay: () => (firstRuns.push('pay'), late.promise),
        ship: () => (firstRuns.push('ship'), 'first shipped'),
      },
      { ...settings, workerId: 'a' },
    );
    await first.start();
    const { taskId } = await first.runTask(request);
    await waitForEvent(first, 'step.started');

    // The second worker takes the task over, pays, and parks it on a distant retry of `ship`.
    const busy = () => {
      throw new RetryableError('carrier busy', { retryAfterMs: 3_600_000 });
    };
    const second = worker(store, clock, { pay: () => 'second paid', ship: busy }, { ...settings, workerId: 'b' });
    await second.start();
    const parked = waitForEvent(second, 'step.retry_scheduled');
    await advance(clock, LEASE_MS);
    await advance(clock, 1_000);
    await parked;
    await settle(30);
    expect(second.activeTaskCount).toBe(0);
    await second.stop();

    // Due again: the first worker claims it back while its actor still waits for its own attempt of `pay`.
    claimsFail = false;
    await advance(clock, 3_600_000);
    late.resolve('first paid');
    await advance(clock, 0);
    const task = await first.waitForTask(taskId);
    expect(task.steps.map((step) => [step.name, step.state, step.results])).toEqual([
      ['pay', 'completed', 'second paid'],
      ['ship', 'completed', 'first shipped'],
    ]);
    const history = await first.getHistory(taskId);
    expect(history.filter((entry) => entry.stepName === 'pay' && entry.to === 'completed')).toHaveLength(1);
    expect(firstRuns).toEqual(['pay', 'ship']);
    await first.stop();
  });

  it('drops a running task at the heartbeat that finds its lease taken, and aborts its handler', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const logger = spyLogger();
    let signal: AbortSignal | undefined;
    const first = worker(store, clock, { pay: (ctx) => ((signal = ctx.signal), new Promise(() => {})) }, { logger });
    await first.start();
    const { taskId } = await first.runTask(request);
    await waitForEvent(first, 'step.started');
    // Another worker claims the task as if its lease had lapsed (an operator's claim far in the future, say).
    expect(
      await store.claimTask(taskId, { workerId: 'b', now: clock.now() + LEASE_MS, until: clock.now() + 2 * LEASE_MS }),
    ).toBeDefined();
    await advance(clock, LEASE_MS / 3);
    expect(first.activeTaskCount).toBe(0);
    expect(signal?.aborted).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ taskId }),
      'task dropped: another worker took its lease',
    );
    await first.stop({ gracePeriodMs: 0 });
  });

  it('warns of nothing when a heartbeat races the write that finishes a task', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const logger = spyLogger();
    const finished = deferred();
    // The heartbeat's answer arrives after the task's last write: the store has ended that lease by then.
    const racing = new Proxy(store, {
      get: (target, property: keyof MemoryStore) =>
        property === 'renewLeases'
          ? async (...args: Parameters<MemoryStore['renewLeases']>) => {
              await finished.promise;
              return target.renewLeases(...args);
            }
          : (target[property] as (...args: unknown[]) => unknown).bind(target),
    });
    const pay = deferred<string>();
    const first = worker(racing, clock, { pay: () => pay.promise }, { logger });
    first.on('task.completed', () => finished.resolve());
    await first.start();
    const { taskId } = await first.runTask(request);
    await waitForEvent(first, 'step.started');
    await advance(clock, LEASE_MS / 3);
    pay.resolve('paid');
    expect((await first.waitForTask(taskId)).state).toBe('completed');
    await settle(30);
    expect(logger.warn).not.toHaveBeenCalled();
    await first.stop();
  });

  it('passivates a task waiting on a distant retry and rehydrates it when due, in whichever worker is free', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    let calls = 0;
    const flaky = () => {
      calls++;
      if (calls === 1) throw new RetryableError('gateway busy', { retryAfterMs: 3_600_000 });
      return 'charged';
    };
    const settings = { passivateAfterMs: 60_000, defaults: { backoff: { ...EXACT_BACKOFF, maxMs: 7_200_000 } } };
    const first = worker(store, clock, { charge: flaky }, { ...settings, workerId: 'a' });
    await first.start();
    const { taskId } = await first.runTask(request);
    await waitForEvent(first, 'step.retry_scheduled');
    await settle(30);
    expect(first.activeTaskCount).toBe(0);
    expect(await store.listWorkers(clock.now())).toEqual([]);
    await first.stop();

    const second = worker(store, clock, { charge: flaky }, { ...settings, workerId: 'b' });
    await second.start();
    await advance(clock, 3_600_000 - 1);
    expect(second.activeTaskCount).toBe(0);
    const done = second.waitForTask(taskId);
    await advance(clock, 1);
    expect(second.activeTaskCount).toBe(1);
    // The restored step's retry is due now: a zero delay fires on the simulated clock's next tick.
    await advance(clock, 0);
    const task = await done;
    expect(task.state).toBe('completed');
    expect(task.steps[0]).toMatchObject({ attempts: 2, results: 'charged' });
    await second.stop();
  });

  it('passivates again a task claimed before its wake-up, when its release was lost', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const lossy = new Proxy(store, {
      get: (target, property: keyof MemoryStore) =>
        property === 'releaseLeases'
          ? () => Promise.reject(new Error('connection reset'))
          : (target[property] as (...args: unknown[]) => unknown).bind(target),
    });
    const settings = { passivateAfterMs: 60_000, defaults: { backoff: { ...EXACT_BACKOFF, maxMs: 7_200_000 } } };
    const later = () => {
      throw new RetryableError('gateway busy', { retryAfterMs: 3_600_000 });
    };
    const first = worker(lossy, clock, { charge: later }, { ...settings, workerId: 'a' });
    await first.start();
    await first.runTask(request);
    await waitForEvent(first, 'step.retry_scheduled');
    await settle(30);
    await first.stop();
    expect(first.activeTaskCount).toBe(0);

    const second = worker(store, clock, { charge: later }, { ...settings, workerId: 'b' });
    await second.start();
    await advance(clock, LEASE_MS);
    expect(await store.countWaiting(clock.now())).toBe(0);
    expect(second.activeTaskCount).toBe(0);
    expect((await store.claimTasks({ workerId: 'c', now: 3_600_000, until: 3_600_001, limit: 5 })).leases).toHaveLength(
      1,
    );
    await second.stop();
  });

  it('releases leases on a graceful stop, so another worker takes the tasks over at once', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const hang = () => new Promise<never>(() => undefined);
    const first = worker(store, clock, { work: hang }, { workerId: 'a' });
    await first.start();
    const { taskId } = await first.runTask(request);
    await waitForEvent(first, 'step.started');
    const second = worker(store, clock, { work: () => 'done' }, { workerId: 'b' });
    await second.start();
    await first.stop({ gracePeriodMs: 0 });
    await settle(30);
    // The interrupted attempt counts, and the step retries after its backoff.
    await advance(clock, 1_000);
    const task = await second.waitForTask(taskId);
    expect(task.steps[0]).toMatchObject({ state: 'completed', attempts: 2, results: 'done' });
    await second.stop();
  });

  it('lets a process that runs no work wait for a task another worker runs', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const api = worker(store, clock, { work: () => 'here' }, { pollIntervalMs: 20 });
    const runner = worker(store, clock, { work: () => 'there' }, { workerId: 'runner' });
    await runner.start();
    const { taskId } = await api.runTask(request);
    const task = await api.waitForTask(taskId, { timeoutMs: 5_000 });
    expect(task.steps.map((step) => [step.state, step.results])).toEqual([['completed', 'there']]);
    await runner.stop();
  });

  it('refuses an operator action on a task another worker runs, naming why', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const runner = worker(store, clock, { work: () => new Promise<never>(() => undefined) });
    await runner.start();
    const { taskId } = await runner.runTask(request);
    await waitForEvent(runner, 'step.started');
    const operator = worker(store, clock, { work: () => 'x' });
    await expect(operator.cancelTask(taskId)).rejects.toMatchObject({ code: 'TASK_LEASED' });
    await runner.cancelTask(taskId);
    expect((await operator.getTask(taskId)).state).toBe('cancelled');
    await runner.stop({ gracePeriodMs: 0 });
  });

  it('takes back its own tasks at once after a restart under the same worker id', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const crashed = worker(store, clock, { work: () => new Promise<never>(() => undefined) }, { workerId: 'pod-1' });
    await crashed.start();
    const { taskId } = await crashed.runTask(request);
    await waitForEvent(crashed, 'step.started');
    // No stop(): the process died with its lease held.
    const restarted = worker(store, clock, { work: () => 'resumed' }, { workerId: 'pod-1' });
    await restarted.start();
    await settle(30);
    await advance(clock, 1_000);
    const task = await restarted.waitForTask(taskId);
    expect(task.steps[0]).toMatchObject({ state: 'completed', results: 'resumed' });
    // The old run's next heartbeat finds its lease gone and drops the task.
    await advance(clock, LEASE_MS / 3);
    expect(crashed.activeTaskCount).toBe(0);
    await Promise.all([crashed.stop({ gracePeriodMs: 0 }), restarted.stop()]);
  });
});
