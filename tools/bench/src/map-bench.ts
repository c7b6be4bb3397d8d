/**
 * What one map step of many items costs (issue 22: "tested up to 10,000 items in one step"): one task whose only
 * step maps over N items (a handler that returns its item), 10 at a time, run to completion on the memory store and
 * on SQLite; prints the wall time, items per second and the heap in use before, at its peak (sampled every 10 ms)
 * and after.
 *
 *   npm run bench:map               (N=10000)
 *   BENCH_ITEMS=2000 npm run bench:map
 */
import { createEngine, silentLogger } from '@tasker/core';
import { openBenchStore, type StoreKind } from './bench-stores.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 10_000);
const KINDS: StoreKind[] = ['memory', 'sqlite'];
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function benchMap(kind: StoreKind): Promise<void> {
  const bench = await openBenchStore(kind);
  const engine = createEngine({ store: bench.store, logger: silentLogger });
  engine.registerHandler('echo', (ctx) => ctx.item ?? null);
  engine.registerTemplate({
    namespace: 'bench',
    name: 'map',
    version: '1.0.0',
    steps: [{ name: 'fan_out', handler: 'echo', map: { over: '$.context.items' } }],
  });
  await engine.start();
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10);
  const began = performance.now();
  const { taskId } = await engine.runTask({
    namespace: 'bench',
    name: 'map',
    context: { items: Array.from({ length: ITEMS }, (_, index) => index) },
  });
  const task = await engine.waitForTask(taskId, { timeoutMs: 600_000 });
  const seconds = (performance.now() - began) / 1_000;
  clearInterval(sampler);
  if (task.state !== 'completed' || (task.steps[0]!.results as unknown[]).length !== ITEMS) {
    throw new Error(`the map step did not complete with ${ITEMS} results: ${task.state}`);
  }
  await engine.stop();
  global.gc?.();
  const after = process.memoryUsage().heapUsed;
  console.log(
    `${kind.padEnd(7)} ${ITEMS} items  ${seconds.toFixed(2)} s  ${Math.round(ITEMS / seconds)} items/s  ` +
      `heap before ${mb(before)}, peak ${mb(peak)}, after ${mb(after)}`,
  );
  await bench.dispose();
}

for (const kind of KINDS) await benchMap(kind);
