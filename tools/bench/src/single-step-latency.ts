import { createEngine, type TaskStore } from '@tasker/core';
import { percentile } from './measure.js';
import { checkoutChain } from './workloads.js';

/**
 * The latency of one durable step when one task runs alone: the time between consecutive `step.completed` events
 * of a five-step chain of no-op handlers. It covers committing the step's result and the next step's start.
 * Measured in the steady state, after `warmUpTasks` tasks that are not counted: the first ones also pay for
 * compiling the engine's code and for preparing each pooled connection's statements (p50 2.6-3.4 ms against
 * 1.7-2.0 for the same run's later tasks on Postgres).
 */
export async function durableStepLatency(
  store: TaskStore,
  tasks = 40,
  warmUpTasks = 20,
): Promise<{ p50: number; p99: number }> {
  const engine = createEngine({ store, concurrency: 1 });
  engine.registerHandler('noop', () => null);
  engine.registerTemplate({
    namespace: 'bench',
    name: 'latency',
    version: '1.0.0',
    steps: checkoutChain.steps.map((step) => ({ ...step, handler: 'noop' })),
  });
  const gaps: number[] = [];
  let last: number | undefined;
  engine.on('step.completed', (event) => {
    const now = performance.now();
    if (last !== undefined && event.stepName !== checkoutChain.steps[0]!.name) gaps.push(now - last);
    last = now;
  });
  await engine.start();
  for (let index = 0; index < warmUpTasks + tasks; index++) {
    if (index === warmUpTasks) gaps.length = 0;
    last = undefined;
    const { taskId } = await engine.runTask({ namespace: 'bench', name: 'latency', context: {} });
    await engine.waitForTask(taskId);
  }
  await engine.stop();
  gaps.sort((a, b) => a - b);
  return { p50: percentile(gaps, 0.5), p99: percentile(gaps, 0.99) };
}
