import { randomUUID } from 'node:crypto';
import { createEngine, type EngineOptions } from '../engine/create-engine.js';
import type { Engine } from '../engine/engine.js';
import type { TaskStore } from '../store/task-store.js';

/**
 * An engine on `store` with a two-step template `<namespace>/order` (reserve, then ship) and quick polls; its leases
 * (3 s, renewed every second) outlast a busy machine's pauses, and a stopping engine hands its subscribers over at
 * once anyway. `options` adds to these.
 */
export function orderEngine(store: TaskStore, namespace: string, options: EngineOptions = {}): Engine {
  const engine = createEngine({ store, workerId: randomUUID(), leaseMs: 3_000, pollIntervalMs: 50, ...options })
    .registerHandler('reserve', () => ({ units: 1 }))
    .registerHandler('ship', () => ({ shipped: true }));
  engine.registerTemplate({
    namespace,
    name: 'order',
    version: '1.0.0',
    steps: [
      { name: 'reserve', handler: 'reserve' },
      { name: 'ship', handler: 'ship', dependsOn: ['reserve'] },
    ],
  });
  return engine;
}

/** Runs one `<namespace>/order` task to its end and answers its id. */
export async function runOrder(engine: Engine, namespace: string): Promise<string> {
  const { taskId } = await engine.runTask({ namespace, name: 'order', context: {} });
  await engine.waitForTask(taskId, { timeoutMs: 10_000 });
  return taskId;
}

/** A namespace no other test uses, so that tests sharing a database see only their own events. */
export const uniqueNamespace = (): string => `t_${randomUUID().slice(0, 8)}`;

/** How long a test waits for deliveries before it fails; never a figure it asserts. */
export const PATIENCE = { timeout: 15_000, interval: 20 };
