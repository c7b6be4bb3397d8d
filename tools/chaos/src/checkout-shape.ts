import { appendFileSync } from 'node:fs';
import { RetryableError, type Engine, type StepContext } from '@tasker/core';

/** The seed's checkout as five chained steps: the shape of the crash tests and of the benchmarks. */
export const CHECKOUT_STEPS = [
  'validate_cart',
  'process_payment',
  'update_inventory',
  'create_order',
  'send_confirmation',
];

/**
 * Registers the checkout-shaped template on `engine`. Every handler run is appended to `executionLog` (one line:
 * task id, step, attempt, worker id, time in ms) when it starts, synchronously, so the log survives a SIGKILL of the
 * process. Handlers take a few milliseconds and fail transiently at `faultRate`.
 */
export function registerCheckout(engine: Engine, executionLog: string, workerId: string, faultRate: number): void {
  const handler = async (ctx: StepContext) => {
    appendFileSync(executionLog, `${ctx.task.id} ${ctx.step.name} ${ctx.step.attempt} ${workerId} ${Date.now()}\n`);
    await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 4));
    if (Math.random() < faultRate) throw new RetryableError('transient fault', { retryAfterMs: 5 });
    return { step: ctx.step.name, attempt: ctx.step.attempt };
  };
  engine.registerHandler('checkout_step', handler);
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
    })),
  });
}
