import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../errors/invalid-transition-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { PermanentError } from '../errors/permanent-error.js';
import type { StepContext } from '../handlers/step-context.js';
import { waitForEvent } from '../testing/wait-for-event.js';
import { chain, startFixture, stepTrail } from '../test-fixtures/engine-fixture.js';

describe('operator actions', () => {
  it('cancels a running task: the handler is aborted, pending steps are cancelled', async () => {
    let signal: AbortSignal | undefined;
    const { engine, events, run } = await startFixture(chain('charge', 'ship'), {
      charge: (ctx: StepContext) => {
        signal = ctx.signal;
        return new Promise(() => undefined);
      },
      ship: () => null,
    });
    const started = waitForEvent(engine, 'step.started');
    const taskId = await run();
    await started;
    await engine.cancelTask(taskId, { by: 'ops@example.com', reason: 'customer called' });
    expect(signal?.aborted).toBe(true);
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('cancelled');
    expect(task.steps.map((step) => step.state)).toEqual(['cancelled', 'cancelled']);
    const history = await engine.getHistory(taskId);
    expect(
      history.filter((entry) => entry.to === 'cancelled').map((entry) => [entry.stepName, entry.by, entry.reason]),
    ).toEqual([
      ['charge', 'ops@example.com', 'customer called'],
      [undefined, 'ops@example.com', 'customer called'],
      ['ship', 'ops@example.com', 'customer called'],
    ]);
    expect(stepTrail(events, taskId).slice(-3)).toEqual([
      'step.cancelled:charge',
      'task.cancelled',
      'step.cancelled:ship',
    ]);
    await expect(engine.cancelTask(taskId)).rejects.toThrow(InvalidTransitionError);
  });

  it('cancels a step waiting for its retry', async () => {
    const { engine, run } = await startFixture(chain('charge'), {
      charge: () => {
        throw new Error('flaky');
      },
    });
    const scheduled = waitForEvent(engine, 'step.retry_scheduled');
    const taskId = await run();
    await scheduled;
    await engine.cancelTask(taskId);
    const task = await engine.waitForTask(taskId);
    expect(task.steps[0]).toMatchObject({ state: 'cancelled', attempts: 1 });
  });

  it('cancels or resolves a task passivated until a retry an hour away: loaded to act on, not dropped again', async () => {
    const { engine, run } = await startFixture(
      [{ name: 'lookup', handler: 'lookup', backoff: { baseMs: 3_600_000 } }],
      {
        lookup: () => {
          throw new Error('slow service');
        },
      },
    );
    const passivated = async (taskId: string) => {
      await waitForEvent(engine, 'step.retry_scheduled', (event) => event.taskId === taskId);
      while (engine.activeTaskCount > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const cancelled = await run();
    await passivated(cancelled);
    await engine.cancelTask(cancelled);
    expect((await engine.waitForTask(cancelled)).state).toBe('cancelled');

    const resolved = await run();
    await passivated(resolved);
    await engine.resolveStep(resolved, 'lookup', 42);
    expect(await engine.waitForTask(resolved)).toMatchObject({ state: 'resolved_manually', steps: [{ results: 42 }] });
  });

  it('retries a failed task: completed steps are kept, failed ones get a fresh budget', async () => {
    let chargeCalls = 0;
    let validateCalls = 0;
    let healthy = false;
    const { engine, clock, events, run } = await startFixture(
      [
        { name: 'validate', handler: 'validate' },
        { name: 'charge', handler: 'charge', dependsOn: ['validate'], retryLimit: 1 },
      ],
      {
        validate: () => ++validateCalls,
        charge: () => {
          chargeCalls++;
          if (!healthy) throw new Error('gateway down');
          return 'charged';
        },
      },
    );
    const scheduled = waitForEvent(engine, 'step.retry_scheduled');
    const taskId = await run();
    clock.increment((await scheduled).nextRetryAt! - clock.now());
    const failed = await engine.waitForTask(taskId);
    expect(failed.state).toBe('failed');
    expect(failed.steps[1]).toMatchObject({ state: 'failed', attempts: 2, attemptsLeft: 0 });
    await expect(engine.retryTask('00000000-0000-4000-8000-000000000000')).rejects.toThrow(NotFoundError);

    healthy = true;
    await engine.retryTask(taskId, { by: 'ops', reason: 'gateway is back' });
    const done = await engine.waitForTask(taskId);
    expect(done.state).toBe('completed');
    expect(done.errorMessage).toBeUndefined();
    expect(done.steps[1]).toMatchObject({ state: 'completed', attempts: 3, attemptsLeft: 1, results: 'charged' });
    expect(validateCalls).toBe(1);
    expect(chargeCalls).toBe(3);
    expect(
      stepTrail(events, taskId).filter((type) => type.startsWith('task.') || type.startsWith('step.reset')),
    ).toEqual(['task.started', 'task.failed', 'task.resumed', 'step.reset:charge', 'task.completed']);
    await expect(engine.retryTask(taskId)).rejects.toThrow('only a failed task can be retried');
  });

  it('resolves a failed step by hand: dependants run with the given results', async () => {
    const { engine, run } = await startFixture(chain('charge', 'ship'), {
      charge: () => {
        throw new PermanentError('gateway refused');
      },
      ship: (ctx: StepContext) => ({ shippedFor: ctx.results('charge') }),
    });
    const taskId = await run();
    expect((await engine.waitForTask(taskId)).state).toBe('failed');
    await engine.resolveStep(taskId, 'charge', { payment_id: 'manual-7' }, { by: 'ops', reason: 'charged by phone' });
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('resolved_manually');
    expect(task.steps.map((step) => [step.name, step.state, step.results])).toEqual([
      ['charge', 'resolved_manually', { payment_id: 'manual-7' }],
      ['ship', 'completed', { shippedFor: { payment_id: 'manual-7' } }],
    ]);
    const resolution = (await engine.getHistory(taskId)).find(
      (entry) => entry.to === 'resolved_manually' && entry.stepName,
    );
    expect(resolution).toMatchObject({ from: 'failed', by: 'ops', reason: 'charged by phone' });
  });

  it('resolves a step that waits for its retry without running it again', async () => {
    let calls = 0;
    const { engine, run } = await startFixture(chain('lookup', 'use'), {
      lookup: () => {
        calls++;
        throw new Error('slow service');
      },
      use: (ctx: StepContext) => ctx.results('lookup'),
    });
    const scheduled = waitForEvent(engine, 'step.retry_scheduled');
    const taskId = await run();
    await scheduled;
    await engine.resolveStep(taskId, 'lookup', 42);
    const task = await engine.waitForTask(taskId);
    expect(task.steps.map((step) => [step.state, step.results])).toEqual([
      ['resolved_manually', 42],
      ['completed', 42],
    ]);
    expect(calls).toBe(1);
  });

  it('refuses to resolve a completed step, an unknown step, or a step of a finished task', async () => {
    const { engine, run } = await startFixture(chain('a'), { a: () => 1 });
    const taskId = await run();
    await engine.waitForTask(taskId);
    await expect(engine.resolveStep(taskId, 'nope', 1)).rejects.toThrow("has no step 'nope'");
    await expect(engine.resolveStep(taskId, 'a', 1)).rejects.toThrow(InvalidTransitionError);
  });
});
