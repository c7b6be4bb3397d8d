import { describe, expect, it } from 'vitest';
import { PermanentError } from '../errors/permanent-error.js';
import { RetryableError } from '../errors/retryable-error.js';
import type { StepContext } from '../handlers/step-context.js';
import { waitForEvent } from '../testing/wait-for-event.js';
import { chain, startFixture } from '../test-fixtures/engine-fixture.js';
import { settle } from '../test-fixtures/settle.js';

/** A handler that throws `error` for its first `failures` attempts, then returns its attempt number. */
function failing(failures: number, error: () => unknown = () => new Error('flaky')) {
  const attempts: number[] = [];
  const handler = (ctx: StepContext) => {
    attempts.push(ctx.step.attempt);
    if (ctx.step.attempt <= failures) throw error();
    return { attempt: ctx.step.attempt };
  };
  return { handler, attempts };
}

describe('retries, backoff and timeouts', () => {
  it('waits base * factor^(retry-1) before each retry, to the millisecond', async () => {
    const flaky = failing(3);
    const { engine, clock, run } = await startFixture(chain('charge'), { charge: flaky.handler });
    const scheduled = waitForEvent(engine, 'step.retry_scheduled');
    const taskId = await run();
    for (const [retry, delay] of [1_000, 2_000, 4_000].entries()) {
      const event = await (retry === 0 ? scheduled : waitForEvent(engine, 'step.retry_scheduled'));
      expect(event.nextRetryAt! - event.at).toBe(delay);
      expect(event.error?.message).toBe('flaky');
      clock.increment(delay - 1);
      await settle();
      expect(flaky.attempts).toHaveLength(retry + 1);
      const next = waitForEvent(engine, 'step.started');
      clock.increment(1);
      expect((await next).attempt).toBe(retry + 2);
    }
    const task = await engine.waitForTask(taskId);
    expect(task.state).toBe('completed');
    expect(task.steps[0]).toMatchObject({ attempts: 4, results: { attempt: 4 }, attemptsLeft: 0 });
  });

  it('caps the delay at maxMs', async () => {
    const flaky = failing(1);
    const { engine, run } = await startFixture(
      [{ name: 'charge', handler: 'charge', backoff: { baseMs: 10_000, maxMs: 3_000 } }],
      { charge: flaky.handler },
    );
    const scheduled = waitForEvent(engine, 'step.retry_scheduled');
    await run();
    const event = await scheduled;
    expect(event.nextRetryAt! - event.at).toBe(3_000);
  });

  it('shortens each delay by at most its jitter, never more', async () => {
    for (const [random, expected] of [
      [0, 1_000],
      [0.5, 750],
      [0.9, 550],
    ] as const) {
      const flaky = failing(1);
      const { engine, run } = await startFixture(
        [{ name: 'charge', handler: 'charge', backoff: { jitter: 0.5 } }],
        { charge: flaky.handler },
        { random: () => random },
      );
      const scheduled = waitForEvent(engine, 'step.retry_scheduled');
      await run();
      const event = await scheduled;
      expect(event.nextRetryAt! - event.at).toBe(expected);
    }
  });

  it("honours a RetryableError's retryAfterMs up to the cap", async () => {
    const cases = [
      [2_500, 2_500],
      [120_000, 60_000],
    ] as const;
    for (const [retryAfterMs, expected] of cases) {
      const flaky = failing(1, () => new RetryableError('rate limited', { retryAfterMs }));
      const { engine, run } = await startFixture(chain('charge'), { charge: flaky.handler });
      const scheduled = waitForEvent(engine, 'step.retry_scheduled');
      await run();
      const event = await scheduled;
      expect(event.nextRetryAt! - event.at).toBe(expected);
      expect(event.error?.code).toBe('RETRYABLE_ERROR');
    }
  });

  it('fails a step at once on a PermanentError and stops the task', async () => {
    const declined = failing(9, () => new PermanentError('Card declined', { code: 'CARD_DECLINED' }));
    let shipped = false;
    const { engine, run } = await startFixture(chain('charge', 'ship'), {
      charge: declined.handler,
      ship: () => {
        shipped = true;
        return null;
      },
    });
    const task = await engine.waitForTask(await run());
    expect(task.state).toBe('failed');
    expect(task.errorMessage).toBe("Step 'charge' failed: Card declined");
    expect(task.steps.map((step) => [step.name, step.state, step.attempts, step.errorCode])).toEqual([
      ['charge', 'failed', 1, 'CARD_DECLINED'],
      ['ship', 'pending', 0, undefined],
    ]);
    expect(shipped).toBe(false);
  });

  it('makes exactly one attempt of a step that is not retryable', async () => {
    const flaky = failing(1);
    const { engine, run } = await startFixture([{ name: 'once', handler: 'once', retryable: false }], {
      once: flaky.handler,
    });
    const task = await engine.waitForTask(await run());
    expect(task.state).toBe('failed');
    expect(flaky.attempts).toEqual([1]);
  });

  it('makes retryLimit + 1 attempts, then fails the step', async () => {
    const flaky = failing(99);
    const { engine, clock, run } = await startFixture([{ name: 'charge', handler: 'charge', retryLimit: 2 }], {
      charge: flaky.handler,
    });
    const failed = waitForEvent(engine, 'step.failed');
    await run();
    for (const delay of [1_000, 2_000]) {
      await waitForEvent(engine, 'step.retry_scheduled');
      clock.increment(delay);
    }
    expect((await failed).attempt).toBe(3);
    expect(flaky.attempts).toEqual([1, 2, 3]);
  });

  it('aborts the signal of an attempt that outlives its timeout and retries it', async () => {
    const signals: AbortSignal[] = [];
    const slow = (ctx: StepContext) => {
      signals.push(ctx.signal);
      if (ctx.step.attempt > 1) return 'fast enough';
      return new Promise<never>((_resolve, reject) =>
        ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    };
    const { engine, clock, run } = await startFixture([{ name: 'slow', handler: 'slow', timeoutMs: 5_000 }], { slow });
    const scheduled = waitForEvent(engine, 'step.retry_scheduled');
    const started = waitForEvent(engine, 'step.started');
    const taskId = await run();
    await started;
    await settle();
    clock.increment(4_999);
    await settle();
    expect(signals[0]?.aborted).toBe(false);
    clock.increment(1);
    const event = await scheduled;
    expect(signals[0]?.aborted).toBe(true);
    expect(event.error).toEqual({
      code: 'STEP_TIMEOUT',
      message: "Step 'slow' timed out after 5000 ms",
      name: 'StepTimeoutError',
    });
    clock.increment(1_000);
    expect((await engine.waitForTask(taskId)).steps[0]?.results).toBe('fast enough');
  });
});
