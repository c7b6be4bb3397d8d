import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { InvalidTransitionError } from '../errors/invalid-transition-error.js';
import { PermanentError } from '../errors/permanent-error.js';
import type { CompensationContext } from '../handlers/compensation-context.js';
import type { StepContext } from '../handlers/step-context.js';
import type { StepTemplate } from '../domain/template.js';
import { deferred } from '../testing/deferred.js';
import { waitForEvent } from '../testing/wait-for-event.js';
import { startFixture, stepTrail } from '../test-fixtures/engine-fixture.js';
import { settle } from '../test-fixtures/settle.js';

/** validate -> charge (refunded) -> reserve (restocked) -> ship. */
const checkout = (extra: Partial<Record<string, Partial<StepTemplate>>> = {}): StepTemplate[] => [
  { name: 'validate', handler: 'validate', ...extra.validate },
  { name: 'charge', handler: 'charge', dependsOn: ['validate'], compensate: { handler: 'refund' }, ...extra.charge },
  {
    name: 'reserve',
    handler: 'reserve',
    dependsOn: ['charge'],
    compensate: { handler: 'restock' },
    ...extra.reserve,
  },
  { name: 'ship', handler: 'ship', dependsOn: ['reserve'], ...extra.ship },
];

/** Compensation handlers that record what they were told, in call order. */
function recorder() {
  const calls: CompensationContext[] = [];
  const handler = async (ctx: CompensationContext) => {
    calls.push(ctx);
  };
  return { calls, compensations: { refund: handler, restock: handler } };
}

const ok = (value: unknown) => () => value as never;
const permanent = (message: string) => () => {
  throw new PermanentError(message);
};

describe('compensation', () => {
  it('undoes completed steps in reverse dependency order when a step fails for good, then fails the task', async () => {
    const { calls, compensations } = recorder();
    const { engine, events, run } = await startFixture(
      checkout(),
      {
        validate: ok({ total: 10 }),
        charge: ok({ chargeId: 'ch_1' }),
        reserve: ok({ units: 2 }),
        ship: permanent('no carrier'),
      },
      { compensations },
    );
    const taskId = await run({ order: 7 });
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('failed');
    expect(task.errorMessage).toBe("Step 'ship' failed: no carrier");
    expect(task.steps.map((step) => [step.name, step.state])).toEqual([
      ['validate', 'completed'],
      ['charge', 'compensated'],
      ['reserve', 'compensated'],
      ['ship', 'failed'],
    ]);
    expect(calls.map((ctx) => ctx.step.name)).toEqual(['reserve', 'charge']);
    const refund = calls[1]!;
    expect(refund.step).toEqual({
      name: 'charge',
      outcome: 'completed',
      results: { chargeId: 'ch_1' },
      attempts: 1,
      config: {},
    });
    expect(refund.reason).toMatchObject({ kind: 'failed', stepName: 'ship', error: { message: 'no carrier' } });
    expect(refund.idempotencyKey).toBe(`${taskId}:charge:compensate`);
    expect(refund.attempt).toBe(1);
    expect(refund.task).toMatchObject({ id: taskId, context: { order: 7 } });
    expect(stepTrail(events, taskId).filter((type) => !/started|completed:/.test(type))).toEqual([
      'step.failed:ship',
      'task.compensating',
      'step.compensating:reserve',
      'step.compensated:reserve',
      'step.compensating:charge',
      'step.compensated:charge',
      'task.failed',
    ]);
  });

  it('runs independent compensations at once, and none for steps that never started or have no compensation', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const slow = async (ctx: CompensationContext) => {
      started.push(ctx.step.name);
      await gate;
    };
    const { engine, run } = await startFixture(
      [
        { name: 'a', handler: 'ok', compensate: { handler: 'undo' } },
        { name: 'b', handler: 'ok', compensate: { handler: 'undo' } },
        { name: 'plain', handler: 'ok' },
        { name: 'fail', handler: 'fail', dependsOn: ['a', 'b', 'plain'], compensate: { handler: 'undo' } },
        { name: 'later', handler: 'ok', dependsOn: ['fail'], compensate: { handler: 'undo' } },
      ],
      { ok: ok(1), fail: permanent('broken') },
      { compensations: { undo: slow } },
    );
    const taskId = await run();
    await waitForEvent(engine, 'task.compensating');
    await settle();
    expect(started.sort()).toEqual(['a', 'b']);
    release();
    const task = await engine.waitForTask(taskId);
    expect(task.steps.map((step) => step.state)).toEqual([
      'compensated',
      'compensated',
      'completed',
      'failed',
      'pending',
    ]);
    expect(started.sort()).toEqual(['a', 'b']);
  });

  it('undoes a step whose attempt timed out, as uncertain, with no results', async () => {
    const { calls, compensations } = recorder();
    const { engine, clock, run } = await startFixture(
      checkout({ charge: { timeoutMs: 500, retryLimit: 0 } }),
      { validate: ok(1), charge: () => new Promise(() => undefined), reserve: ok(1), ship: ok(1) },
      { compensations },
    );
    const started = waitForEvent(engine, 'step.started', (event) => event.stepName === 'charge');
    const taskId = await run();
    await started;
    await settle();
    const compensating = waitForEvent(engine, 'task.compensating');
    clock.increment(500);
    await compensating;
    await settle();
    // The timed-out handler never returns: its compensation waits out the grace period, then runs.
    expect(calls).toEqual([]);
    clock.increment(10_000);
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('failed');
    expect(calls.map((ctx) => [ctx.step.name, ctx.step.outcome, ctx.step.results])).toEqual([
      ['charge', 'uncertain', undefined],
    ]);
    expect(task.steps.map((step) => step.state)).toEqual(['completed', 'compensated', 'pending', 'pending']);
  });

  it('undoes what a cancelled task did, the aborted attempt included, then ends cancelled', async () => {
    const { calls, compensations } = recorder();
    let signal: AbortSignal | undefined;
    const { engine, clock, events, run } = await startFixture(
      checkout(),
      {
        validate: ok(1),
        charge: ok({ chargeId: 'ch_2' }),
        reserve: (ctx: StepContext) => {
          signal = ctx.signal;
          return new Promise(() => undefined);
        },
        ship: ok(1),
      },
      { compensations },
    );
    const reserving = waitForEvent(engine, 'step.started', (event) => event.stepName === 'reserve');
    const taskId = await run();
    await reserving;
    await engine.cancelTask(taskId, { by: 'ops', reason: 'customer called' });
    await settle();
    // The aborted handler never returns: its compensation waits out the grace period, then runs.
    clock.increment(10_000);
    const task = await engine.waitForTask(taskId);
    expect(signal?.aborted).toBe(true);
    expect(task.state).toBe('cancelled');
    expect(task.steps.map((step) => step.state)).toEqual(['completed', 'compensated', 'compensated', 'cancelled']);
    expect(calls.map((ctx) => [ctx.step.name, ctx.step.outcome])).toEqual([
      ['reserve', 'uncertain'],
      ['charge', 'completed'],
    ]);
    expect(calls[0]!.reason).toEqual({ kind: 'cancelled', message: 'customer called' });
    const trail = stepTrail(events, taskId);
    expect(trail.filter((type) => type.startsWith('task.'))).toEqual([
      'task.started',
      'task.compensating',
      'task.cancelled',
    ]);
    expect(trail.filter((type) => type === 'step.compensated:charge')).toHaveLength(1);
  });

  it("waits for an aborted attempt's handler that ignores its signal before undoing its step", async () => {
    const trail: string[] = [];
    const charging = deferred();
    const refund = async (ctx: CompensationContext) => {
      trail.push(`refund ${ctx.step.name}`);
    };
    const { engine, run } = await startFixture(
      checkout(),
      {
        validate: ok(1),
        // A payment call that goes on after the cancellation aborts its signal, and charges when it answers.
        charge: () => charging.promise.then(() => trail.push('charged')),
        reserve: ok(1),
        ship: ok(1),
      },
      { compensations: { refund, restock: refund } },
    );
    const chargingStarted = waitForEvent(engine, 'step.started', (event) => event.stepName === 'charge');
    const taskId = await run();
    await chargingStarted;
    await engine.cancelTask(taskId);
    await settle();
    expect(trail).toEqual([]);
    expect((await engine.getTask(taskId)).state).toBe('compensating');

    charging.resolve();
    const task = await engine.waitForTask(taskId);
    expect(trail).toEqual(['charged', 'refund charge']);
    expect(task.state).toBe('cancelled');
  });

  it('undoes a step whose attempt failed with a retryable error, which may have come after its work', async () => {
    const { calls, compensations } = recorder();
    const { engine, run } = await startFixture(
      checkout({ charge: { backoff: { baseMs: 5_000 } } }),
      {
        validate: ok(1),
        charge: () => {
          throw new Error('connection reset before the answer arrived');
        },
        reserve: ok(1),
        ship: ok(1),
      },
      { compensations },
    );
    const waiting = waitForEvent(engine, 'step.retry_scheduled', (event) => event.stepName === 'charge');
    const taskId = await run();
    await waiting;
    await engine.cancelTask(taskId);
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('cancelled');
    expect(calls.map((ctx) => [ctx.step.name, ctx.step.outcome])).toEqual([['charge', 'uncertain']]);
  });

  it('retries a compensation with its own budget and backoff', async () => {
    const attempts: number[] = [];
    const { engine, clock, run } = await startFixture(
      checkout({ charge: { compensate: { handler: 'refund', retryLimit: 2, backoff: { baseMs: 100 } } } }),
      { validate: ok(1), charge: ok(1), reserve: permanent('out of stock'), ship: ok(1) },
      {
        compensations: {
          refund: async (ctx: CompensationContext) => {
            attempts.push(ctx.attempt);
            if (ctx.attempt < 3) throw new Error('gateway down');
          },
          restock: async () => {},
        },
      },
    );
    const taskId = await run();
    await waitForEvent(engine, 'step.compensating');
    await settle();
    clock.increment(100);
    await settle();
    clock.increment(200);
    const task = await engine.waitForTask(taskId);
    expect(attempts).toEqual([1, 2, 3]);
    expect(task.state).toBe('failed');
    expect(task.steps[1]!.state).toBe('compensated');
  });

  it('ends compensation_failed when a compensation fails for good; a retry runs only the failed ones again', async () => {
    const calls: string[] = [];
    let refundWorks = false;
    const { engine, events, run } = await startFixture(
      checkout(),
      { validate: ok(1), charge: ok(1), reserve: ok(1), ship: permanent('no carrier') },
      {
        compensations: {
          refund: async () => {
            calls.push('refund');
            if (!refundWorks) throw new PermanentError('card closed');
          },
          restock: async () => {
            calls.push('restock');
          },
        },
      },
    );
    const taskId = await run();
    const stuck = await engine.waitForTask(taskId);
    expect(stuck.state).toBe('compensation_failed');
    expect(stuck.steps.map((step) => step.state)).toEqual([
      'completed',
      'compensation_failed',
      'compensated',
      'failed',
    ]);
    expect(stuck.steps[1]!.error).toMatchObject({ message: 'card closed' });
    expect(stepTrail(events, taskId).filter((type) => type.includes('compensation_failed'))).toEqual([
      'step.compensation_failed:charge',
      'task.compensation_failed',
    ]);
    refundWorks = true;
    const done = waitForEvent(engine, 'task.failed');
    await engine.retryTask(taskId, { by: 'ops' });
    await done;
    expect(calls).toEqual(['restock', 'refund', 'refund']);
    const task = await engine.getTask(taskId);
    expect(task.steps.map((step) => step.state)).toEqual(['completed', 'compensated', 'compensated', 'failed']);
    expect(task.errorMessage).toBe("Step 'ship' failed: no carrier");
  });

  it('lets an operator resolve a failed compensation by hand', async () => {
    const { engine, run } = await startFixture(
      checkout(),
      { validate: ok(1), charge: ok(1), reserve: ok(1), ship: permanent('no carrier') },
      { compensations: { refund: permanent('card closed'), restock: async () => {} } },
    );
    const taskId = await run();
    expect((await engine.waitForTask(taskId)).state).toBe('compensation_failed');
    const done = waitForEvent(engine, 'task.failed');
    await engine.resolveStep(taskId, 'charge', { refunded: 'by hand' }, { by: 'ops', reason: 'refunded at the bank' });
    await done;
    const task = await engine.getTask(taskId);
    expect(task.steps[1]!.state).toBe('compensated');
    const history = await engine.getHistory(taskId);
    expect(history.find((entry) => entry.stepName === 'charge' && entry.to === 'compensated')).toMatchObject({
      from: 'compensation_failed',
      by: 'ops',
      reason: 'refunded at the bank',
    });
  });

  it('refuses to retry a compensated task unless its template allows it; then it starts over', async () => {
    const refused = await startFixture(
      checkout(),
      { validate: ok(1), charge: ok(1), reserve: ok(1), ship: permanent('no carrier') },
      { compensations: recorder().compensations },
    );
    const refusedId = await refused.run();
    expect((await refused.engine.waitForTask(refusedId)).state).toBe('failed');
    await expect(refused.engine.retryTask(refusedId)).rejects.toThrow(InvalidTransitionError);
    await expect(refused.engine.retryTask(refusedId)).rejects.toThrow(/retryAfterCompensation/);

    let shipWorks = false;
    const allowed = await startFixture(
      checkout(),
      {
        validate: ok(1),
        charge: ok(1),
        reserve: ok(1),
        ship: () => {
          if (!shipWorks) throw new PermanentError('no carrier');
          return 'shipped';
        },
      },
      { compensations: recorder().compensations, retryAfterCompensation: true },
    );
    const taskId = await allowed.run();
    expect((await allowed.engine.waitForTask(taskId)).state).toBe('failed');
    shipWorks = true;
    const completed = waitForEvent(allowed.engine, 'task.completed');
    await allowed.engine.retryTask(taskId);
    await completed;
    const task = await allowed.engine.getTask(taskId);
    expect(task.steps.map((step) => [step.name, step.state, step.attempts])).toEqual([
      ['validate', 'completed', 1],
      ['charge', 'completed', 2],
      ['reserve', 'completed', 2],
      ['ship', 'completed', 2],
    ]);
  });

  it('bypasses skippable steps named in the request: they end skipped and their dependants run', async () => {
    const ran: string[] = [];
    const track = (name: string) => () => {
      ran.push(name);
      return name;
    };
    const { engine, events, run } = await startFixture(
      [
        { name: 'validate', handler: 'validate' },
        { name: 'fraud_check', handler: 'fraud', dependsOn: ['validate'], skippable: true },
        { name: 'ship', handler: 'ship', dependsOn: ['fraud_check'] },
      ],
      { validate: track('validate'), fraud: track('fraud'), ship: track('ship') },
    );
    const taskId = await run({}, { bypassSteps: ['fraud_check'] });
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('completed');
    expect(ran).toEqual(['validate', 'ship']);
    expect(task.steps.map((step) => step.state)).toEqual(['completed', 'skipped', 'completed']);
    expect(stepTrail(events, taskId).filter((type) => type === 'step.skipped:fraud_check')).toHaveLength(1);

    await expect(run({}, { bypassSteps: ['ship'] })).rejects.toThrow(InvalidRequestError);
    await expect(run({}, { bypassSteps: ['ship'] })).rejects.toThrow(/bypassSteps\[0\].*'ship' is not skippable/);
    await expect(run({}, { bypassSteps: ['fraud_check', 'nope'] })).rejects.toThrow(
      /bypassSteps\[1\].*'nope' is not a step/,
    );
  });
});
