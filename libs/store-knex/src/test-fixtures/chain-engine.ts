import { createEngine, type Engine, type EngineOptions, type JsonValue, type StepContext } from '@tasker/core';

/** Handlers of the chain's steps by step name; each gets the step context and returns the step's result. */
export type ChainHandlers = Record<'a' | 'b' | 'c', (ctx: StepContext) => JsonValue | Promise<JsonValue>>;

/** Steps `a -> b -> c` of the template `test/chain@1.0.0`. */
const CHAIN = [
  { name: 'a', handler: 'a' },
  { name: 'b', handler: 'b', dependsOn: ['a'] },
  { name: 'c', handler: 'c', dependsOn: ['b'] },
];

/** The default handlers: each returns its step name and the order id of the task's context. */
export const echoHandlers: ChainHandlers = {
  a: (ctx) => ({ step: 'a', order: ctx.task.context.order ?? null }),
  b: (ctx) => ({ step: 'b', order: ctx.task.context.order ?? null }),
  c: (ctx) => ({ step: 'c', order: ctx.task.context.order ?? null }),
};

/** An engine (not started) with the three-step chain registered, on the options' store. */
export function chainEngine(options: EngineOptions, handlers: ChainHandlers = echoHandlers): Engine {
  const engine = createEngine({ defaults: { backoff: { baseMs: 10, factor: 2, maxMs: 100, jitter: 0 } }, ...options });
  for (const [name, handler] of Object.entries(handlers)) engine.registerHandler(name, handler);
  engine.registerTemplate({ namespace: 'test', name: 'chain', version: '1.0.0', steps: CHAIN });
  return engine;
}

/** Starts one chain task with `context` and answers its id. */
export async function runChain(engine: Engine, context: Record<string, JsonValue> = {}): Promise<string> {
  return (await engine.runTask({ namespace: 'test', name: 'chain', context })).taskId;
}
