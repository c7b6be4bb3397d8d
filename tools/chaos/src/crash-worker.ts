/**
 * A worker process for the crash tests. With `create` it stores that many checkout tasks (or `chaos/waiting` ones,
 * with `waitingSleepMs`, or `chaos/mapping` ones with `mapItems`) first (not leased: any
 * worker claims them); then it works until the store holds no unfinished task, stops gracefully (releasing its
 * leases) and exits 0. It prints `running` once it works, so a test knows when a SIGKILL lands mid-run, and stops
 * the same way on SIGTERM.
 *
 *   tsx crash-worker.ts '<WorkerOptions JSON>'
 */
import {
  UNFINISHED_TASK_STATES,
  createEngine,
  createStoreFromUrl,
  silentLogger,
  stopOnSignals,
  type JsonObject,
  type Logger,
} from '@tasker/core';
import { registerCheckout } from './checkout-shape.js';
import { registerMapping } from './map-shape.js';
import { registerWaiting } from './waiting-shape.js';
import type { WorkerOptions } from './crash-run.js';

const options = JSON.parse(process.argv[2]!) as WorkerOptions;
/** Errors to stderr, where a failing test shows them. */
const logger: Logger = {
  ...silentLogger,
  error: (fields, message) => console.error(`[${options.workerId}] ${message}`, fields),
  warn: (fields, message) => console.error(`[${options.workerId}] ${message}`, fields),
  child: () => logger,
};
const store = await createStoreFromUrl(options.target);
const engine = createEngine({
  store,
  concurrency: 50,
  logger,
  workerId: options.workerId,
  ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs, pollIntervalMs: options.leaseMs / 4 }),
});
if (options.mapItems !== undefined) registerMapping(engine, options.executionLog, options.workerId);
else if (options.waitingSleepMs !== undefined) {
  registerWaiting(engine, options.executionLog, options.workerId, options.waitingSleepMs);
} else {
  registerCheckout(engine, options.executionLog, options.workerId, options.faultRate ?? 0.15, {
    undo: options.undo === true,
  });
}
const template =
  options.mapItems !== undefined ? 'mapping' : options.waitingSleepMs !== undefined ? 'waiting' : 'checkout';
const context = (index: number): JsonObject =>
  options.mapItems === undefined
    ? { order: index }
    : { items: Array.from({ length: options.mapItems }, (_, item) => item) };
const exit = async () => {
  await store.close();
  process.exit(0);
};
stopOnSignals(engine, { gracePeriodMs: 5_000, then: exit });

if (options.create !== undefined) {
  for (let index = 0; index < options.create; index++) {
    await engine.runTask({ namespace: 'chaos', name: template, context: context(index) });
  }
}
await engine.start();
process.stdout.write('running\n');
for (;;) {
  const { tasks } = await store.listTasks({ state: [...UNFINISHED_TASK_STATES], limit: 1 });
  if (tasks.length === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
await engine.stop();
await exit();
