import { createEngine, type Engine, type EngineOptions, type StepContext } from '@tasker/core';

/** The steps of the test chain, in order: each depends on the one before. */
export const CHAIN_STEPS = ['reserve', 'charge', 'ship'] as const;

/** Handler runs of a chain engine, as `taskId:step` strings in the order they started. */
export type RunLog = string[];

/**
 * An engine with one template `test/chain@1.0.0` of {@link CHAIN_STEPS}. Each handler logs its run, waits
 * `stepDelayMs` (so a test can act while tasks are mid-run) and returns its step name; the handler of step `hangOn`
 * never returns (a process to kill mid-step).
 */
export function createChainEngine(
  options: EngineOptions & { stepDelayMs?: number; hangOn?: (typeof CHAIN_STEPS)[number] },
): { engine: Engine; runs: RunLog } {
  const { stepDelayMs = 0, hangOn, ...engineOptions } = options;
  const engine = createEngine(engineOptions);
  const runs: RunLog = [];
  for (const name of CHAIN_STEPS) {
    engine.registerHandler(name, async (ctx: StepContext) => {
      runs.push(`${ctx.task.id}:${name}`);
      if (name === hangOn) await new Promise(() => undefined);
      if (stepDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, stepDelayMs));
      return { step: name };
    });
  }
  engine.registerTemplate({
    namespace: 'test',
    name: 'chain',
    version: '1.0.0',
    steps: CHAIN_STEPS.map((name, index) => ({
      name,
      handler: name,
      ...(index > 0 ? { dependsOn: [CHAIN_STEPS[index - 1]!] } : {}),
    })),
  });
  return { engine, runs };
}

/** Starts one task of the chain template. */
export async function runChain(engine: Engine, context: Record<string, number> = {}): Promise<string> {
  return (await engine.runTask({ namespace: 'test', name: 'chain', context })).taskId;
}
