import { appendFileSync } from 'node:fs';
import type { Engine, JsonObject, StepContext } from '@tasker/core';

/** The signal the waiting tasks wait for. */
export const APPROVAL = 'approved';

/**
 * Registers `chaos/waiting`: `prepare` (a handler) -> `nap` (a durable sleep of `sleepMs`) -> `review` (a signal step
 * waiting for {@link APPROVAL}, no timeout) -> `ship` (a handler that reads the review's payload). Every handler run
 * is appended to `executionLog` synchronously when it starts, as `registerCheckout` does, so the log survives a
 * SIGKILL.
 */
export function registerWaiting(engine: Engine, executionLog: string, workerId: string, sleepMs: number): void {
  engine.registerHandler('waiting_step', (ctx: StepContext): JsonObject => {
    appendFileSync(executionLog, `${ctx.task.id} ${ctx.step.name} ${ctx.step.attempt} ${workerId} ${Date.now()}\n`);
    return ctx.step.name === 'ship' ? { shipped: ctx.results('review') } : { step: ctx.step.name };
  });
  engine.registerTemplate({
    namespace: 'chaos',
    name: 'waiting',
    version: '1.0.0',
    steps: [
      { name: 'prepare', handler: 'waiting_step' },
      { name: 'nap', type: 'sleep', durationMs: sleepMs, dependsOn: ['prepare'] },
      { name: 'review', type: 'signal', signal: APPROVAL, dependsOn: ['nap'] },
      { name: 'ship', handler: 'waiting_step', dependsOn: ['review'] },
    ],
  });
}
