import { appendFileSync } from 'node:fs';
import { PermanentError, RetryableError, type CompensationContext, type Engine, type StepContext } from '@tasker/core';

/** The seed's checkout as five chained steps: the shape of the crash tests and of the benchmarks. */
export const CHECKOUT_STEPS = [
  'validate_cart',
  'process_payment',
  'update_inventory',
  'create_order',
  'send_confirmation',
];

/** The steps the `undo` variant of the checkout compensates. */
export const COMPENSATED_STEPS = ['process_payment', 'update_inventory'];

/** The log's name of a step's compensation: `process_payment:undo`. */
export const undoOf = (step: string) => `${step}:undo`;

/**
 * Registers the checkout-shaped template on `engine`. Every handler run is appended to `executionLog` (one line:
 * task id, step, attempt, worker id, time in ms) when it starts, synchronously, so the log survives a SIGKILL of the
 * process. Handlers take a few milliseconds and fail transiently at `faultRate`. With `undo`, the last step fails
 * for good and the payment and inventory steps are compensated (logged as `<step>:undo`), with the same faults.
 */
export function registerCheckout(
  engine: Engine,
  executionLog: string,
  workerId: string,
  faultRate: number,
  options: { undo?: boolean } = {},
): void {
  const work = async (taskId: string, step: string, attempt: number) => {
    appendFileSync(executionLog, `${taskId} ${step} ${attempt} ${workerId} ${Date.now()}\n`);
    await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 4));
    if (Math.random() < faultRate) throw new RetryableError('transient fault', { retryAfterMs: 5 });
  };
  const last = CHECKOUT_STEPS[CHECKOUT_STEPS.length - 1];
  engine.registerHandler('checkout_step', async (ctx: StepContext) => {
    await work(ctx.task.id, ctx.step.name, ctx.step.attempt);
    if (options.undo && ctx.step.name === last) throw new PermanentError('the order cannot be confirmed');
    return { step: ctx.step.name, attempt: ctx.step.attempt };
  });
  engine.registerHandler('checkout_undo', async (ctx: CompensationContext) => {
    await work(ctx.task.id, undoOf(ctx.step.name), ctx.attempt);
  });
  engine.registerTemplate({
    namespace: 'chaos',
    name: 'checkout',
    version: '1.0.0',
    steps: CHECKOUT_STEPS.map((name, index) => ({
      name,
      handler: 'checkout_step',
      retryLimit: 10,
      backoff: { baseMs: 5, maxMs: 50, jitter: 0.5 },
      ...(index === 0 ? {} : { dependsOn: [CHECKOUT_STEPS[index - 1]!] }),
      ...(options.undo && COMPENSATED_STEPS.includes(name)
        ? { compensate: { handler: 'checkout_undo', retryLimit: 10, backoff: { baseMs: 5, maxMs: 50, jitter: 0.5 } } }
        : {}),
    })),
  });
}
