import { describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { StepTemplate } from '../domain/template.js';
import type { StepContext } from '../handlers/step-context.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { TaskStore } from '../store/task-store.js';
import { deferred } from '../testing/deferred.js';
import { waitForEvent } from '../testing/wait-for-event.js';
import { createEngine } from './create-engine.js';
import { silentLogger } from '../ports/logger.js';
import { EXACT_BACKOFF, chain } from '../test-fixtures/engine-fixture.js';
import { settle } from '../test-fixtures/settle.js';
import { MACHINE_VERSION } from '../machines/machine-version.js';

type Handlers = Record<string, (ctx: StepContext) => unknown>;

/** An engine as a fresh process would build it: same store and clock, its own handlers. */
async function boot(
  store: TaskStore,
  clock: SimulatedClock,
  steps: StepTemplate[],
  handlers: Handlers,
  logger = silentLogger,
) {
  const engine = createEngine({ store, clock, logger, defaults: { backoff: EXACT_BACKOFF } });
  for (const [name, handler] of Object.entries(handlers)) engine.registerHandler(name, handler as never);
  engine.registerTemplate({ namespace: 'test', name: 'flow', version: '1.0.0', steps });
  await engine.start();
  return engine;
}

const run = async (engine: Awaited<ReturnType<typeof boot>>) =>
  (await engine.runTask({ namespace: 'test', name: 'flow', context: { order: 7 } })).taskId;

describe('restoring tasks in a new engine', () => {
  it('resumes mid-run: completed steps are not run again, the interrupted one runs again as a new attempt', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const calls: string[] = [];
    const hang = deferred<never>();
    const steps = chain('validate', 'charge', 'ship');
    let hungSignal: AbortSignal | undefined;
    const first = await boot(store, clock, steps, {
      validate: () => (calls.push('validate#1'), { total: 10 }),
      charge: (ctx) => ((hungSignal = ctx.signal), calls.push(`charge#${ctx.step.attempt}`), hang.promise),
      ship: () => calls.push('ship#1'),
    });
    const charging = waitForEvent(first, 'step.started', (event) => event.stepName === 'charge');
    const taskId = await run(first);
    await charging;
    await first.stop({ gracePeriodMs: 0 });
    // Past the grace period the engine lets go of the task, and tells the handler still running to give up.
    expect(hungSignal?.aborted).toBe(true);
    // A step's result lives in its row, not also in the snapshot; the dependant reads it from there after restore.
    const stored = await store.getSnapshot(taskId);
    expect(stored?.machineVersion).toBe(MACHINE_VERSION);
    expect(JSON.stringify(stored?.state)).not.toContain('total');

    const second = await boot(store, clock, steps, {
      validate: () => calls.push('validate#again'),
      charge: (ctx) => (
        calls.push(`charge#${ctx.step.attempt}`),
        { paid: ctx.results<{ total: number }>('validate').total }
      ),
      ship: (ctx) => (calls.push('ship'), ctx.results('charge')),
    });
    const retry = await waitForEvent(second, 'step.retry_scheduled');
    expect(retry.error?.code).toBe('ATTEMPT_INTERRUPTED');
    clock.increment(1_000);
    const task = await second.waitForTask(taskId);
    expect(task.state).toBe('completed');
    expect(calls).toEqual(['validate#1', 'charge#1', 'charge#2', 'ship']);
    expect(task.steps.map((step) => [step.name, step.attempts, step.results])).toEqual([
      ['validate', 1, { total: 10 }],
      ['charge', 2, { paid: 10 }],
      ['ship', 1, { paid: 10 }],
    ]);
    const charge = (await second.getHistory(taskId)).filter((entry) => entry.stepName === 'charge');
    expect(charge.map((entry) => [entry.from, entry.to, entry.attempt])).toEqual([
      ['pending', 'in_progress', 1],
      ['in_progress', 'waiting_for_retry', 1],
      ['waiting_for_retry', 'in_progress', 2],
      ['in_progress', 'completed', 2],
    ]);
  });

  it('waits only the remaining time of a retry that was scheduled before the restart', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const attempts: number[] = [];
    const handlers: Handlers = {
      flaky: (ctx) => {
        attempts.push(ctx.step.attempt);
        if (ctx.step.attempt === 1) throw new Error('flaky');
        return 'ok';
      },
    };
    const first = await boot(store, clock, chain('flaky'), handlers);
    const scheduled = waitForEvent(first, 'step.retry_scheduled');
    const taskId = await run(first);
    expect((await scheduled).nextRetryAt).toBe(clock.now() + 1_000);
    clock.increment(400);
    await first.stop();

    const second = await boot(store, clock, chain('flaky'), handlers);
    await settle();
    clock.increment(599);
    await settle();
    expect(attempts).toEqual([1]);
    const started = waitForEvent(second, 'step.started');
    clock.increment(1);
    expect((await started).attempt).toBe(2);
    expect((await second.waitForTask(taskId)).state).toBe('completed');
  });

  it('fails a step whose every attempt is interrupted once its budget is spent', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const steps: StepTemplate[] = [{ name: 'poison', handler: 'poison', retryLimit: 1 }];
    const crashes = () => ({ poison: () => new Promise(() => undefined) });
    let engine = await boot(store, clock, steps, crashes());
    const started = waitForEvent(engine, 'step.started');
    const taskId = await run(engine);
    await started;
    await engine.stop({ gracePeriodMs: 0 });

    engine = await boot(store, clock, steps, crashes());
    const secondAttempt = waitForEvent(engine, 'step.started');
    clock.increment((await waitForEvent(engine, 'step.retry_scheduled')).nextRetryAt! - clock.now());
    await secondAttempt;
    await engine.stop({ gracePeriodMs: 0 });

    engine = await boot(store, clock, steps, crashes());
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('failed');
    expect(task.steps[0]).toMatchObject({ attempts: 2, errorCode: 'ATTEMPT_INTERRUPTED' });
  });

  it('lets running handlers finish within the grace period of a graceful stop, and keeps their results', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const release = deferred();
    let paidTimes = 0;
    const handlers: Handlers = {
      pay: async () => {
        paidTimes++;
        await release.promise;
        return 'paid';
      },
      ship: () => 'shipped',
    };
    const first = await boot(store, clock, chain('pay', 'ship'), handlers);
    const started = waitForEvent(first, 'step.started');
    const taskId = await run(first);
    await started;
    const stopping = first.stop({ gracePeriodMs: 5_000 });
    release.resolve();
    await stopping;
    const stored = await first.getTask(taskId);
    expect(stored.steps.map((step) => step.state)).toEqual(['completed', 'pending']);

    const second = await boot(store, clock, chain('pay', 'ship'), handlers);
    const task = await second.waitForTask(taskId);
    expect(task.steps.map((step) => step.results)).toEqual(['paid', 'shipped']);
    expect(paidTimes).toBe(1);
  });

  it("retries an attempt interrupted by a graceful stop, though the stopping engine's pause is in the snapshot", async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const quick = deferred<string>();
    const steps: StepTemplate[] = [
      { name: 'slow', handler: 'slow' },
      { name: 'quick', handler: 'quick' },
    ];
    const first = await boot(store, clock, steps, {
      slow: () => new Promise(() => undefined),
      quick: () => quick.promise,
    });
    const bothStarted = Promise.all([
      waitForEvent(first, 'step.started', (event) => event.stepName === 'slow'),
      waitForEvent(first, 'step.started', (event) => event.stepName === 'quick'),
    ]);
    const taskId = await run(first);
    await bothStarted;
    // `quick` finishes after the pause, so the snapshot stored with its outcome shows the task paused.
    const stopping = first.stop({ gracePeriodMs: 50 });
    quick.resolve('done');
    await stopping;

    const second = await boot(store, clock, steps, { slow: () => 'slow at last', quick: () => 'again' });
    await waitForEvent(second, 'step.retry_scheduled', (event) => event.stepName === 'slow');
    clock.increment(1_000);
    const task = await second.waitForTask(taskId, { timeoutMs: 5_000 });
    expect(task.steps.map((step) => [step.name, step.state, step.attempts, step.results])).toEqual([
      ['slow', 'completed', 2, 'slow at last'],
      ['quick', 'completed', 1, 'done'],
    ]);
  });

  it('refuses a snapshot written by other machines, clearly, and leaves the task as it is', async () => {
    const store = createMemoryStore();
    const clock = new SimulatedClock();
    const first = await boot(store, clock, chain('wait'), { wait: () => new Promise(() => undefined) });
    const started = waitForEvent(first, 'step.started');
    const taskId = await run(first);
    await started;
    await first.stop({ gracePeriodMs: 0 });
    const snapshot = await store.getSnapshot(taskId);
    await store.commit([{ taskId, snapshot: { machineVersion: 999, state: snapshot?.state } }]);

    const logger = { ...silentLogger, error: vi.fn() };
    const second = await boot(store, clock, chain('wait'), { wait: () => 'x' }, logger);
    await settle();
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ taskId, err: expect.objectContaining({ code: 'SNAPSHOT_VERSION_MISMATCH' }) }),
      'task could not be loaded',
    );
    expect(logger.error.mock.calls[0]?.[0].err.message).toBe(
      `Task ${taskId} was saved by machines of version 999; this engine runs version ${MACHINE_VERSION}`,
    );
    expect((await second.getTask(taskId)).state).toBe('in_progress');
  });
});
