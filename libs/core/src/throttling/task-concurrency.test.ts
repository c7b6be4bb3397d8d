import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { StepTemplate } from '../domain/template.js';
import { createEngine } from '../engine/create-engine.js';
import type { Engine } from '../engine/engine.js';
import { TemplateValidationError } from '../errors/template-validation-error.js';
import { silentLogger } from '../ports/logger.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { TaskStore } from '../store/task-store.js';
import { EXACT_BACKOFF } from '../test-fixtures/engine-fixture.js';
import { settle } from '../test-fixtures/settle.js';
import { deferred, type Deferred } from '../testing/deferred.js';
import { recordEvents } from '../testing/wait-for-event.js';

/** At most one onboarding per customer at once. */
const ONE_PER_CUSTOMER = { key: '$.context.customer_id', limit: 1 };

/** A handler that holds each call until the test lets it go, by customer, counting the calls in flight. */
function gate() {
  const held: Array<{ customer: string; release: Deferred<void> }> = [];
  let peak = 0;
  const handler = async (ctx: { task: { context: unknown } }) => {
    const customer = (ctx.task.context as { customer_id: string }).customer_id;
    const release = deferred();
    held.push({ customer, release });
    peak = Math.max(peak, held.length);
    await release.promise;
    return { onboarded: customer };
  };
  return {
    handler,
    /** The customers whose calls run now. */
    running: () => held.map((call) => call.customer).sort(),
    get peak() {
      return peak;
    },
    /** Lets the oldest call of `customer` return. */
    release: (customer: string) => {
      const index = held.findIndex((call) => call.customer === customer);
      if (index >= 0) held.splice(index, 1)[0]!.release.resolve();
    },
  };
}

async function boot(
  store: TaskStore,
  clock: SimulatedClock,
  handlers: Record<string, unknown>,
  steps: StepTemplate[] = [{ name: 'onboard', handler: 'onboard' }],
) {
  const engine = createEngine({
    store,
    clock,
    logger: silentLogger,
    passivateAfterMs: 60_000,
    defaults: { backoff: EXACT_BACKOFF },
  });
  for (const [name, handler] of Object.entries(handlers)) engine.registerHandler(name, handler as never);
  engine.registerTemplate({
    namespace: 'crm',
    name: 'onboarding',
    version: '1.0.0',
    concurrency: ONE_PER_CUSTOMER,
    steps,
  });
  await engine.start();
  return engine;
}

const onboard = async (engine: Engine, customer: string) =>
  (await engine.runTask({ namespace: 'crm', name: 'onboarding', context: { customer_id: customer } })).taskId;

/** The task's state, its marker while it waits for a slot, and its steps' states. */
async function standing(engine: Engine, taskId: string) {
  const task = await engine.getTask(taskId);
  return { state: task.state, throttled: task.throttled === true, steps: task.steps.map((step) => step.state) };
}

describe('template-wide concurrency keys', () => {
  it('runs at most the limit of tasks per key value; the others wait pending and throttled, running no step', async () => {
    const clock = new SimulatedClock();
    const calls = gate();
    const engine = await boot(createMemoryStore(), clock, { onboard: calls.handler });
    const throttled = recordEvents(engine, 'task.throttled');
    const first = await onboard(engine, 'c-1');
    const second = await onboard(engine, 'c-1');
    const third = await onboard(engine, 'c-1');
    const other = await onboard(engine, 'c-2');
    await settle(30);
    expect(calls.running()).toEqual(['c-1', 'c-2']);
    expect(await standing(engine, second)).toEqual({ state: 'pending', throttled: true, steps: ['pending'] });
    expect(await standing(engine, third)).toEqual({ state: 'pending', throttled: true, steps: ['pending'] });
    expect(throttled.map((event) => [event.taskId, event.from, event.to])).toEqual([
      [second, 'pending', 'throttled'],
      [third, 'pending', 'throttled'],
    ]);
    // Completing frees the slot: one waiting task starts (the clock stands still: the release woke it).
    calls.release('c-1');
    await settle(30);
    expect((await engine.getTask(first)).state).toBe('completed');
    expect(calls.running()).toEqual(['c-1', 'c-2']);
    calls.release('c-1');
    calls.release('c-2');
    await settle(30);
    calls.release('c-1');
    const tasks = await Promise.all([first, second, third, other].map((id) => engine.waitForTask(id)));
    expect(tasks.map((task) => task.state)).toEqual(Array(4).fill('completed'));
    expect(calls.peak).toBe(2);
    // Recorded once each, however often they asked.
    expect(throttled).toHaveLength(2);
    await engine.stop();
  });

  it('frees the slot when its holder fails or is cancelled, and a throttled task may be cancelled', async () => {
    const clock = new SimulatedClock();
    const calls = gate();
    let failNext = true;
    const engine = await boot(
      createMemoryStore(),
      clock,
      {
        onboard: (ctx: { task: { context: unknown } }) => {
          if (!failNext) return calls.handler(ctx);
          failNext = false;
          throw new Error('CRM down');
        },
      },
      [{ name: 'onboard', handler: 'onboard', retryable: false }],
    );
    const failing = await onboard(engine, 'c-1');
    const next = [await onboard(engine, 'c-1'), await onboard(engine, 'c-1')];
    await settle(30);
    expect((await engine.getTask(failing)).state).toBe('failed');
    // The failure gave the slot to one of the two waiting (whichever asked first), which runs; the other waits.
    expect(calls.running()).toEqual(['c-1']);
    const states = await Promise.all(next.map(async (id) => (await standing(engine, id)).state));
    expect([...states].sort()).toEqual(['in_progress', 'pending']);
    const [holder, waiting] = states[0] === 'in_progress' ? next : [...next].reverse();
    expect(await standing(engine, waiting!)).toMatchObject({ state: 'pending', throttled: true });
    // Cancelling the holder frees its slot even as its handler is stopped: the last one runs.
    await engine.cancelTask(holder!, { by: 'ops' });
    await settle(30);
    expect((await engine.getTask(holder!)).state).toBe('cancelled');
    expect(await standing(engine, waiting!)).toMatchObject({ state: 'in_progress' });
    // The cancelled holder's handler (told to abort, which this one ignores) returns, then the last one's.
    calls.release('c-1');
    calls.release('c-1');
    expect((await engine.waitForTask(waiting!)).state).toBe('completed');
    // A waiting task cancelled never runs.
    const running = await onboard(engine, 'c-3');
    const never = await onboard(engine, 'c-3');
    await settle(30);
    await engine.cancelTask(never, { by: 'ops' });
    expect(await standing(engine, never)).toMatchObject({ state: 'cancelled', steps: ['cancelled'] });
    calls.release('c-3');
    expect((await engine.waitForTask(running)).state).toBe('completed');
    await engine.stop();
  });

  it('keeps the slot of a holder passivated while it sleeps; the next task starts when the holder finishes', async () => {
    const clock = new SimulatedClock();
    const store = createMemoryStore();
    const engine = await boot(store, clock, { onboard: () => 'done' }, [
      { name: 'nap', type: 'sleep', durationMs: 3_600_000 },
      { name: 'onboard', handler: 'onboard', dependsOn: ['nap'] },
    ] as StepTemplate[]);
    const sleeper = await onboard(engine, 'c-1');
    await settle(30);
    const waiting = await onboard(engine, 'c-1');
    await settle(30);
    // The sleeper left memory, its slot still its own: the other task waits.
    expect(engine.activeTaskCount).toBe(1);
    expect(await standing(engine, waiting)).toMatchObject({ state: 'pending', throttled: true });
    // A lease period on, the slot would have lapsed had it not been held for the sleeper's wake-up.
    clock.increment(45_000);
    await settle(30);
    expect(await standing(engine, waiting)).toMatchObject({ state: 'pending', throttled: true });
    clock.increment(3_600_000);
    await settle(60);
    expect((await engine.waitForTask(sleeper)).state).toBe('completed');
    await settle(30);
    // Its release woke the waiting task, which now sleeps in turn, holding the slot.
    expect(await standing(engine, waiting)).toMatchObject({ state: 'in_progress', throttled: false });
    await engine.stop();
  });

  it('frees the slot of a passivated holder an operator cancels: the waiting task starts at once', async () => {
    const clock = new SimulatedClock();
    const engine = await boot(createMemoryStore(), clock, { onboard: () => 'done' }, [
      { name: 'nap', type: 'sleep', durationMs: 3_600_000 },
      { name: 'onboard', handler: 'onboard', dependsOn: ['nap'] },
    ] as StepTemplate[]);
    const sleeper = await onboard(engine, 'c-1');
    await settle(30);
    const waiting = await onboard(engine, 'c-1');
    await settle(30);
    expect(engine.activeTaskCount).toBe(1);
    expect(await standing(engine, waiting)).toMatchObject({ state: 'pending', throttled: true });
    await engine.cancelTask(sleeper, { by: 'ops' });
    await settle(30);
    expect((await engine.getTask(sleeper)).state).toBe('cancelled');
    // The waiting task now runs its own sleep: it holds the slot, started without the clock moving.
    expect(await standing(engine, waiting)).toMatchObject({ state: 'in_progress', throttled: false });
    await engine.stop();
  });

  it("keeps the task's slot apart from a step's key of the same path: a task holding one runs its limited step", async () => {
    const clock = new SimulatedClock();
    const engine = await boot(createMemoryStore(), clock, { onboard: () => 'done' }, [
      { name: 'onboard', handler: 'onboard', concurrency: ONE_PER_CUSTOMER },
    ]);
    const taskId = await onboard(engine, 'c-1');
    expect((await engine.waitForTask(taskId)).state).toBe('completed');
    await engine.stop();
  });

  it('frees the slot of a crashed holder when its lease ends, at the time the throttled task was told', async () => {
    const clock = new SimulatedClock();
    const store = createMemoryStore();
    // A worker that died running an onboarding of c-1 (its lease, and its slot's, runs 30 s more).
    const crashedUntil = clock.now() + 30_000;
    const key = 'crm/onboarding:task:"c-1"';
    await store.acquireSlot({ key, limit: 1, holder: 'gone#task', until: crashedUntil, now: clock.now() });
    const engine = await boot(store, clock, { onboard: () => 'done' });
    const taskId = await onboard(engine, 'c-1');
    await settle(30);
    expect(await standing(engine, taskId)).toMatchObject({ state: 'pending', throttled: true });
    clock.increment(29_999);
    await settle(30);
    expect(await standing(engine, taskId)).toMatchObject({ state: 'pending', throttled: true });
    clock.increment(1);
    expect((await engine.waitForTask(taskId)).state).toBe('completed');
    await engine.stop();
  });

  it('fails a task still throttled at its deadline, without a slot; the holder runs on', async () => {
    const clock = new SimulatedClock();
    const calls = gate();
    const engine = await boot(createMemoryStore(), clock, { onboard: calls.handler });
    const holder = await onboard(engine, 'c-1');
    const { taskId: late } = await engine.runTask({
      namespace: 'crm',
      name: 'onboarding',
      context: { customer_id: 'c-1' },
      deadlineMs: 10_000,
    });
    await settle(30);
    expect(await standing(engine, late)).toMatchObject({ state: 'pending', throttled: true });
    clock.increment(10_000);
    await settle(30);
    const failed = await engine.getTask(late);
    expect(failed.state).toBe('failed');
    expect(failed.errorMessage).toMatch(/deadline/i);
    expect(calls.running()).toEqual(['c-1']);
    calls.release('c-1');
    expect((await engine.waitForTask(holder)).state).toBe('completed');
    await engine.stop();
  });

  it("refuses an operator's retry of a failed task while its key's slots are taken; takes a slot once one frees", async () => {
    const clock = new SimulatedClock();
    const calls = gate();
    let failNext = true;
    const engine = await boot(
      createMemoryStore(),
      clock,
      {
        onboard: (ctx: { task: { context: unknown } }) => {
          if (!failNext) return calls.handler(ctx);
          failNext = false;
          throw new Error('CRM down');
        },
      },
      [{ name: 'onboard', handler: 'onboard', retryable: false }],
    );
    const failed = await onboard(engine, 'c-1');
    await settle(30);
    const holder = await onboard(engine, 'c-1');
    await settle(30);
    expect(calls.running()).toEqual(['c-1']);
    await expect(engine.retryTask(failed, { by: 'ops' })).rejects.toThrow(/concurrency key/);
    expect((await engine.getTask(failed)).state).toBe('failed');
    calls.release('c-1');
    expect((await engine.waitForTask(holder)).state).toBe('completed');
    await engine.retryTask(failed, { by: 'ops' });
    await settle(30);
    // Running again, it holds the slot: a new task of the key waits.
    const next = await onboard(engine, 'c-1');
    await settle(30);
    expect(calls.running()).toEqual(['c-1']);
    expect(await standing(engine, next)).toMatchObject({ state: 'pending', throttled: true });
    calls.release('c-1');
    expect((await engine.waitForTask(failed)).state).toBe('completed');
    calls.release('c-1');
    await settle(30);
    calls.release('c-1');
    expect((await engine.waitForTask(next)).state).toBe('completed');
    await engine.stop();
  });

  it('refuses a key that reads a step result, or a limit that is no positive integer', () => {
    const engine = createEngine({ store: createMemoryStore(), logger: silentLogger });
    const register = (concurrency: unknown) =>
      engine.registerTemplate({
        namespace: 'crm',
        name: 'onboarding',
        version: '1.0.0',
        concurrency: concurrency as never,
        steps: [{ name: 'onboard', handler: 'onboard' }],
      });
    expect(() => register({ key: '$.results.onboard.id', limit: 1 })).toThrow(TemplateValidationError);
    expect(() => register({ key: '$.results.onboard.id', limit: 1 })).toThrow(/concurrency\.key/);
    expect(() => register({ key: '$.context.customer_id', limit: 0 })).toThrow(/concurrency\.limit/);
  });
});
