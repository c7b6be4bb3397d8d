/**
 * A worker process for the crash tests. With `--create N` it stores N checkout tasks first; then it runs every
 * unfinished task of the store to completion and exits 0. It prints `running` once it has started working, so
 * the test knows when a SIGKILL lands mid-run.
 *
 *   tsx crash-worker.ts '<StoreTarget JSON>' <execution log> [--create N]
 */
import { createEngine } from '@tasker/core';
import { registerCheckout } from './checkout-shape.js';
import { openStore, type StoreTarget } from './store-target.js';

const [targetJson, executionLog, flag, count] = process.argv.slice(2);
const store = await openStore(JSON.parse(targetJson!) as StoreTarget);
const engine = createEngine({ store, concurrency: 50 });
registerCheckout(engine, executionLog!, 0.15);

if (flag === '--create') {
  for (let index = 0; index < Number(count); index++) {
    await engine.runTask({ namespace: 'chaos', name: 'checkout', context: { order: index } });
  }
}
await engine.start();
process.stdout.write('running\n');
for (;;) {
  const { tasks } = await store.listTasks({ state: ['pending', 'in_progress'], limit: 1 });
  if (tasks.length === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
await engine.stop();
await store.close();
process.exit(0);
