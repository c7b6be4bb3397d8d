import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { StepTemplate, TaskTemplate } from '../domain/template.js';
import { createEngine } from '../engine/create-engine.js';
import type { Engine } from '../engine/engine.js';
import type { StepContext } from '../handlers/step-context.js';
import { silentLogger } from '../ports/logger.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { TaskStore } from '../store/task-store.js';
import { EXACT_BACKOFF } from '../test-fixtures/engine-fixture.js';
import { settle } from '../test-fixtures/settle.js';
import { recordEvents, waitForEvent } from '../testing/wait-for-event.js';

type Handlers = Record<string, (ctx: StepContext) => unknown>;

const DAY = 86_400_000;

/** A started engine on `store` and `clock`, as one process of several would build it. */
async function boot(
  store: TaskStore,
  clock: SimulatedClock,
  steps: StepTemplate[],
  handlers: Handlers = {},
  template: Partial<TaskTemplate> = {},
): Promise<Engine> {
  const engine = createEngine({ store, clock, logger: silentLogger, defaults: { backoff: EXACT_BACKOFF } });
  for (const [name, handler] of Object.entries(handlers)) engine.registerHandler(name, handler as never);
  engine.registerTemplate({ namespace: 'test', name: 'wait', version: '1.0.0', steps, ...template });
  await engine.start();
  return engine;
}

const run = async (engine: Engine, context = {}) =>
  (await engine.runTask({ namespace: 'test', name: 'wait', context })).taskId;

const stepOf = async (engine: Engine, taskId: string, name: string) =>
  (await engine.getTask(taskId)).steps.find((step) => step.name === name)!;

const reviewFlow: StepTemplate[] = [
  { name: 'validate', handler: 'validate' },
  {
    name: 'review',
    type: 'signal',
    signal: 'approved',
    timeoutMs: DAY,
    retryable: false,
    dependsOn: ['validate'],
  },
  { name: 'charge', handler: 'charge', dependsOn: ['review'] },
];

describe('sleep steps', () => {
  it('waits durably for its duration on the engine clock, then its dependants run', async () => {
    const clock = new SimulatedClock();
    const store = createMemoryStore();
    const ran: string[] = [];
    const engine = await boot(
      store,
      clock,
      [
        { name: 'nap', type: 'sleep', durationMs: 3_600_000 },
        { name: 'after', handler: 'after', dependsOn: ['nap'] },
      ],
      { after: () => ran.push('after') },
    );
    const waiting = waitForEvent(engine, 'step.waiting');
    const taskId = await run(engine);
    const event = await waiting;
    expect(event.waitingFor).toEqual({ until: clock.now() + 3_600_000 });
    const nap = await stepOf(engine, taskId, 'nap');
    expect(nap.state).toBe('waiting');
    expect(nap.waitingFor).toEqual({ until: clock.now() + 3_600_000 });
    // An hour is past the passivation threshold: the task left memory, its wake-up stored.
    expect(engine.activeTaskCount).toBe(0);
    clock.increment(3_599_999);
    await settle();
    expect(ran).toEqual([]);
    clock.increment(1);
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('completed');
    expect(ran).toEqual(['after']);
    expect(task.steps[0]!.results).toEqual({ slept_until: new Date(clock.now()).toISOString() });
    await engine.stop();
  });

  it('sleeps until a time the context holds, or not at all when it has passed', async () => {
    const clock = new SimulatedClock();
    clock.set(Date.parse('2026-01-01T00:00:00Z'));
    const engine = await boot(createMemoryStore(), clock, [{ name: 'hold', type: 'sleep', until: 'ship.at' }]);
    const later = await run(engine, { ship: { at: '2026-01-02T00:00:00Z' } });
    const past = await run(engine, { ship: { at: '2025-12-31T00:00:00Z' } });
    expect((await engine.waitForTask(past)).state).toBe('completed');
    await settle();
    expect((await stepOf(engine, later, 'hold')).waitingFor).toEqual({ until: Date.parse('2026-01-02T00:00:00Z') });
    clock.increment(DAY);
    expect((await engine.waitForTask(later)).state).toBe('completed');
    await engine.stop();
  });

  it('fails for good when until names no time, saying where it looked', async () => {
    const engine = await boot(createMemoryStore(), new SimulatedClock(), [
      { name: 'hold', type: 'sleep', until: 'ship.at' },
    ]);
    const task = await engine.waitForTask(await run(engine, { ship: {} }));
    expect(task.state).toBe('failed');
    expect(task.steps[0]!.error?.message).toMatch(
      /sleeps until 'ship.at', which is neither an ISO time nor a context path/,
    );
  });
});

describe('signal steps', () => {
  it('completes with the payload of a signal sent while it waits, and its dependants read it', async () => {
    const clock = new SimulatedClock();
    const engine = await boot(createMemoryStore(), clock, reviewFlow, {
      validate: () => ({ total: 2_000 }),
      charge: (ctx) => ({ approvedBy: ctx.results<{ by: string }>('review').by }),
    });
    const events = recordEvents(engine);
    const waiting = waitForEvent(engine, 'step.waiting');
    const taskId = await run(engine);
    expect((await waiting).waitingFor).toEqual({ signal: 'approved', until: clock.now() + DAY });
    expect((await stepOf(engine, taskId, 'review')).state).toBe('waiting');
    const sent = await engine.signal(taskId, 'approved', { by: 'ana' });
    expect(sent).toEqual({ taskId, signal: 'approved', outcome: 'stored' });
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('completed');
    expect(task.steps.map((step) => step.results)).toEqual([{ total: 2_000 }, { by: 'ana' }, { approvedBy: 'ana' }]);
    const review = events.filter((event) => 'stepName' in event && event.stepName === 'review').map((e) => e.type);
    expect(review).toEqual(['step.started', 'step.waiting', 'step.signal_received', 'step.completed']);
    await engine.stop();
  });

  it('keeps a signal sent before the step is reached and takes it when it is', async () => {
    const clock = new SimulatedClock();
    const engine = await boot(createMemoryStore(), clock, reviewFlow, {
      validate: () => ({ total: 1 }),
      charge: () => 'charged',
    });
    // validate waits for a retry a minute away: the task is passivated before the review step is reached.
    let validations = 0;
    engine.registerHandler('validate', () => {
      if (++validations === 1) throw new Error('inventory busy');
      return { total: 1 };
    });
    const retrying = waitForEvent(engine, 'step.retry_scheduled');
    const taskId = await run(engine);
    await retrying;
    expect(await engine.signal(taskId, 'approved', { early: true })).toEqual({
      taskId,
      signal: 'approved',
      outcome: 'stored',
    });
    clock.increment(1_000);
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('completed');
    expect(task.steps[1]!.results).toEqual({ early: true });
    const review = (await engine.getHistory(taskId)).filter((entry) => entry.stepName === 'review');
    expect(review.map((entry) => entry.to)).toEqual(['in_progress', 'completed']);
  });

  it('fails with SIGNAL_TIMEOUT when no signal comes in time, and its task fails', async () => {
    const clock = new SimulatedClock();
    const engine = await boot(createMemoryStore(), clock, reviewFlow, { validate: () => 1, charge: () => 2 });
    const waiting = waitForEvent(engine, 'step.waiting');
    const taskId = await run(engine);
    await waiting;
    clock.increment(DAY);
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('failed');
    expect(task.steps[1]!.state).toBe('failed');
    expect(task.steps[1]!.error?.code).toBe('SIGNAL_TIMEOUT');
    expect(task.steps[2]!.state).toBe('pending');
    await expect(engine.signal(taskId, 'approved', {})).rejects.toMatchObject({ code: 'TASK_FINISHED' });
  });

  it('retries a timed-out wait within its retry budget, waiting the whole timeout again', async () => {
    const clock = new SimulatedClock();
    const engine = await boot(createMemoryStore(), clock, [
      { name: 'review', type: 'signal', signal: 'approved', timeoutMs: 10_000, retryLimit: 1 },
    ]);
    const taskId = await run(engine);
    await waitForEvent(engine, 'step.waiting');
    const retrying = waitForEvent(engine, 'step.retry_scheduled');
    clock.increment(10_000);
    expect((await retrying).error?.code).toBe('SIGNAL_TIMEOUT');
    const waitingAgain = waitForEvent(engine, 'step.waiting');
    clock.increment(1_000);
    expect((await waitingAgain).waitingFor).toEqual({ signal: 'approved', until: clock.now() + 10_000 });
    await engine.signal(taskId, 'approved', 'late but in time');
    const task = await engine.waitForTask(taskId);
    expect(task.steps[0]).toMatchObject({ state: 'completed', attempts: 2, results: 'late but in time' });
  });

  it('refuses a payload that breaks the step schema, naming every violation, and stores nothing', async () => {
    const engine = await boot(
      createMemoryStore(),
      new SimulatedClock(),
      reviewFlow,
      { validate: () => 1, charge: () => 2 },
      {
        validateSignal: (signal, payload) =>
          signal === 'approved' && typeof (payload as { by?: unknown })?.by !== 'string'
            ? [{ path: '/by', message: 'must be a string' }]
            : [],
      },
    );
    const taskId = await run(engine);
    await waitForEvent(engine, 'step.waiting');
    await expect(engine.signal(taskId, 'approved', { by: 7 })).rejects.toMatchObject({
      code: 'INVALID_SIGNAL',
      violations: [{ path: '/by', message: 'must be a string' }],
    });
    expect(await engine.signal(taskId, 'approved', { by: 'ana' })).toMatchObject({ outcome: 'stored' });
    expect((await engine.waitForTask(taskId)).steps[1]!.results).toEqual({ by: 'ana' });
  });

  it('answers unknown tasks, undeclared names and repeated signals with clear errors', async () => {
    const engine = await boot(createMemoryStore(), new SimulatedClock(), reviewFlow, {
      validate: () => 1,
      charge: () => 2,
    });
    const taskId = await run(engine);
    await waitForEvent(engine, 'step.waiting');
    await expect(engine.signal('no-such-task', 'approved')).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
    await expect(engine.signal(taskId, 'rejected')).rejects.toThrow(
      /waits for no signal 'rejected'; it declares 'approved'/,
    );
    await engine.signal(taskId, 'approved', 1);
    await expect(engine.signal(taskId, 'approved', 2)).rejects.toMatchObject({ code: 'SIGNAL_ALREADY_SENT' });
    expect((await engine.waitForTask(taskId)).steps[1]!.results).toBe(1);
  });

  it('refuses templates whose wait steps are malformed, naming each problem', () => {
    const engine = createEngine({ logger: silentLogger });
    expect(() =>
      engine.registerTemplate({
        namespace: 'test',
        name: 'bad',
        version: '1.0.0',
        steps: [
          { name: 'a', type: 'sleep' },
          { name: 'b', type: 'signal', signal: 'go' },
          { name: 'c', type: 'signal', signal: 'go' },
          { name: 'd', type: 'signal', signal: 'no spaces' },
        ],
      }),
    ).toThrow(
      /steps\[0\]: a sleep step needs a duration or an until \(one of them\)[\s\S]*steps\[2\]\.signal: signal 'go' is waited for by step 'b' already[\s\S]*steps\[3\]\.signal: 'no spaces' is no signal name/,
    );
  });
});

describe('operators and waiting steps', () => {
  it('resolve a waiting step by hand (its dependants go on) and cancel a task whose step waits', async () => {
    const engine = await boot(createMemoryStore(), new SimulatedClock(), reviewFlow, {
      validate: () => 1,
      charge: (ctx) => ctx.results('review'),
    });
    const resolved = await run(engine);
    await waitForEvent(engine, 'step.waiting', (event) => event.taskId === resolved);
    await engine.resolveStep(resolved, 'review', { by: 'phone' }, { by: 'ops', reason: 'approved on the phone' });
    const task = await engine.waitForTask(resolved);
    expect(task.state).toBe('resolved_manually');
    expect(task.steps[2]!.results).toEqual({ by: 'phone' });

    const cancelled = await run(engine);
    await waitForEvent(engine, 'step.waiting', (event) => event.taskId === cancelled);
    await engine.cancelTask(cancelled, { reason: 'customer left' });
    const gone = await engine.waitForTask(cancelled);
    expect(gone.state).toBe('cancelled');
    expect(gone.steps.map((step) => step.state)).toEqual(['completed', 'cancelled', 'cancelled']);
    await expect(engine.signal(cancelled, 'approved', {})).rejects.toMatchObject({ code: 'TASK_FINISHED' });
  });
});

describe('handlers that wait for a signal', () => {
  it('ends the attempt while waiting and runs the handler again with the payload once it comes', async () => {
    const clock = new SimulatedClock();
    const calls: string[] = [];
    const engine = await boot(
      createMemoryStore(),
      clock,
      [{ name: 'ship', handler: 'ship' }],
      {
        ship: async (ctx) => {
          calls.push(`run#${ctx.step.attempt}`);
          const label = await ctx.waitForSignal<{ carrier: string }>('label_printed', { timeoutMs: 60_000 });
          return { shippedWith: label.carrier };
        },
      },
      { signals: ['label_printed'] },
    );
    const taskId = await run(engine);
    expect((await waitForEvent(engine, 'step.waiting')).waitingFor).toEqual({
      signal: 'label_printed',
      until: clock.now() + 60_000,
    });
    await engine.signal(taskId, 'label_printed', { carrier: 'ups' });
    const task = await engine.waitForTask(taskId);
    expect(task.steps[0]).toMatchObject({ state: 'completed', attempts: 1, results: { shippedWith: 'ups' } });
    // Replayed up to its wait: the same attempt ran twice.
    expect(calls).toEqual(['run#1', 'run#1']);
  });

  it('fails the attempt for a signal its template does not declare', async () => {
    const engine = await boot(
      createMemoryStore(),
      new SimulatedClock(),
      [{ name: 'ship', handler: 'ship' }],
      {
        ship: (ctx) => ctx.waitForSignal('nobody_declared_me'),
      },
      {},
    );
    const task = await engine.waitForTask(await run(engine));
    expect(task.steps[0]!.error?.message).toMatch(/signal 'nobody_declared_me' is not declared/);
  });
});

describe('waiting across workers', () => {
  it('wakes a passivated task on another engine when the signal is sent through any engine', async () => {
    const clock = new SimulatedClock();
    const store = createMemoryStore();
    const handlers = { validate: () => 1, charge: () => 'charged' };
    const first = await boot(store, clock, reviewFlow, handlers);
    const taskId = await run(first);
    await waitForEvent(first, 'step.waiting');
    await settle();
    // Waiting for a signal, the task left the memory of the engine that ran it.
    expect(first.activeTaskCount).toBe(0);
    await first.stop();
    const second = await boot(store, clock, reviewFlow, handlers);
    const operator = createEngine({ store, clock, logger: silentLogger, operatorOnly: true });
    for (const [name, handler] of Object.entries(handlers)) operator.registerHandler(name, handler);
    operator.registerTemplate({ namespace: 'test', name: 'wait', version: '1.0.0', steps: reviewFlow });
    await operator.signal(taskId, 'approved', { by: 'ops' });
    const task = await second.waitForTask(taskId);
    expect(task.state).toBe('completed');
    expect(task.steps[1]!.results).toEqual({ by: 'ops' });
    await second.stop();
  });

  it('resumes a sleep in a new engine after the first one stopped, for the time left only', async () => {
    const clock = new SimulatedClock();
    const store = createMemoryStore();
    const steps: StepTemplate[] = [{ name: 'nap', type: 'sleep', durationMs: 10_000 }];
    const first = await boot(store, clock, steps);
    const taskId = await run(first);
    await waitForEvent(first, 'step.waiting');
    clock.increment(4_000);
    await first.stop();
    const second = await boot(store, clock, steps);
    await settle();
    clock.increment(6_000);
    const task = await second.waitForTask(taskId);
    expect(task.steps[0]!.results).toEqual({ slept_until: new Date(clock.now()).toISOString() });
    await second.stop();
  });
});
