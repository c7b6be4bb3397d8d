import { appendFileSync } from 'node:fs';
import type { Engine, StepContext } from '@tasker/core';

/**
 * Registers `chaos/mapping`: one map step, `fan_out`, over the context's `items`, 10 at a time, each item taking
 * 10 ms and returning its own value doubled. Every item run is appended to `executionLog` synchronously when it
 * starts, as `<task> item:<index> <attempt> <worker> <time>`, so the log survives a SIGKILL.
 */
export function registerMapping(engine: Engine, executionLog: string, workerId: string): void {
  engine.registerHandler('map_item', async (ctx: StepContext) => {
    appendFileSync(executionLog, `${ctx.task.id} item:${ctx.index} ${ctx.step.attempt} ${workerId} ${Date.now()}\n`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    return (ctx.item as number) * 2;
  });
  engine.registerTemplate({
    namespace: 'chaos',
    name: 'mapping',
    version: '1.0.0',
    steps: [{ name: 'fan_out', handler: 'map_item', map: { over: '$.context.items', maxParallel: 10 } }],
  });
}
