import { createEngine, createMemoryStore, type Engine, type EngineOptions, type TaskStore } from '@tasker/core';
import { drive, type RunFigures } from './measure.js';
import type { Workload } from './workloads.js';

/** More engine options for a run, and what to attach to the engine before it starts (telemetry, subscribers). */
export interface EngineRunSetup {
  options?: EngineOptions;
  attach?: (engine: Engine) => void;
}

/** Runs `count` tasks of `workload` on the engine with no-op handlers, on `store` (in memory by default). */
export async function runOnEngine(
  workload: Workload,
  count: number,
  concurrency: number,
  store: TaskStore = createMemoryStore(),
  setup: EngineRunSetup = {},
): Promise<RunFigures> {
  const engine = createEngine({ ...setup.options, store, concurrency });
  setup.attach?.(engine);
  engine.registerHandler('noop', () => null);
  engine.registerTemplate({
    namespace: 'bench',
    name: workload.name,
    version: '1.0.0',
    steps: workload.steps.map((step) => ({ ...step, handler: 'noop' })),
  });
  const finished = new Map<string, () => void>();
  const early = new Set<string>();
  engine.on('task.completed', (event) => {
    const resolve = finished.get(event.taskId);
    if (resolve) resolve();
    else early.add(event.taskId);
  });
  await engine.start();
  const figures = await drive(count, concurrency, workload.steps.length, async () => {
    const { taskId } = await engine.runTask({ namespace: 'bench', name: workload.name, context: {} });
    if (early.delete(taskId)) return;
    await new Promise<void>((resolve) => finished.set(taskId, resolve));
    finished.delete(taskId);
  });
  await engine.stop();
  return figures;
}
