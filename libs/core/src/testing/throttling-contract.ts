import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../engine/create-engine.js';
import type { Engine } from '../engine/engine.js';
import type { JsonValue } from '../domain/json.js';
import { silentLogger } from '../ports/logger.js';
import type { TaskStore } from '../store/task-store.js';
import { until } from './until.js';
import { PAY_TEMPLATE } from './pay-template.js';

/** Where a worker process finds the store of a test: its URL, and the prefix of its Redis keys. */
export interface ChildStore {
  url: string;
  prefix?: string;
}

/**
 * That a concurrency key holds across the workers of one store: three engines on it never run more attempts of one
 * key at once than its limit (measured by the handler), every throttled step is woken by the store's announcement of
 * a release on whichever worker; and, when `childStore` is given, that the slot of a worker process killed while it
 * held it (SIGKILL) frees when its lease ends, and another worker proceeds then.
 *
 * @example
 * describeThrottlingAcrossWorkers('PostgreSQL', async () => createKnexStore(config), () => ({ url }));
 */
export function describeThrottlingAcrossWorkers(
  name: string,
  makeStore: () => Promise<TaskStore>,
  childStore?: () => ChildStore,
): void {
  describe(`concurrency keys across workers: ${name}`, () => {
    const engines: Engine[] = [];
    let store: TaskStore | undefined;
    afterEach(async () => {
      await Promise.all(engines.splice(0).map((engine) => engine.stop({ gracePeriodMs: 0 })));
      await store?.close();
      store = undefined;
    });

    const boot = async (
      clock: SimulatedClock,
      workerId: string,
      handler: () => Promise<JsonValue> | JsonValue,
      limit: number,
    ) => {
      const engine = createEngine({ store: store!, clock, logger: silentLogger, workerId, pollIntervalMs: 60_000 });
      engine.registerHandler('pay', handler);
      engine.registerTemplate(PAY_TEMPLATE(limit));
      engines.push(engine);
      await engine.start();
      return engine;
    };

    it('runs at most the limit at once across three engines, each throttled step woken by a release', async () => {
      store = await makeStore();
      const clock = new SimulatedClock();
      clock.set(Date.now());
      let inFlight = 0;
      let peak = 0;
      const handler = async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        return { paid: true };
      };
      const workers = await Promise.all(['w-1', 'w-2', 'w-3'].map((id) => boot(clock, id, handler, 2)));
      const merchant = `m-${Date.now()}`;
      const ids = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const { taskId } = await workers[i % 3]!.runTask({
            namespace: 'shop',
            name: 'pay',
            context: { merchant_id: merchant },
          });
          return taskId;
        }),
      );
      // The clock stands still: only the stores' announcements of releases wake the throttled steps.
      await until(
        async () =>
          (await Promise.all(ids.map((id) => store!.getTask(id)))).every((task) => task?.state === 'completed'),
        'every payment completed',
      );
      expect(peak).toBe(2);
      const throttled = await Promise.all(
        ids.map(async (id) => (await store!.getTransitions(id)).some((transition) => transition.to === 'throttled')),
      );
      expect(throttled.filter(Boolean).length).toBeGreaterThan(0);
    }, 60_000);

    if (childStore) {
      it('frees the slot of a worker process killed while it held it once its lease ends; another proceeds', async () => {
        store = await makeStore();
        const { url, prefix = '' } = childStore();
        const merchant = `m-crash-${Date.now()}`;
        const child = spawn(
          process.execPath,
          [
            '--conditions=@tasker/source',
            '--import',
            'tsx',
            fileURLToPath(new URL('./hold-slot-in-child.ts', import.meta.url)),
            url,
            prefix,
            merchant,
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        try {
          await new Promise<void>((resolve, reject) => {
            child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('holding') && resolve());
            child.on('exit', (code) =>
              reject(new Error(`the worker process exited (${code}) before holding its slot`)),
            );
          });
        } finally {
          child.kill('SIGKILL');
        }
        const killedAt = Date.now();
        const clock = new SimulatedClock();
        clock.set(killedAt);
        const ran: string[] = [];
        const engine = await boot(clock, 'survivor', () => ran.push('paid'), 1);
        const { taskId } = await engine.runTask({ namespace: 'shop', name: 'pay', context: { merchant_id: merchant } });
        const throttledStep = async () => (await store!.getSteps(taskId))[0]!;
        await until(async () => (await throttledStep()).state === 'throttled', 'the payment is throttled');
        // Told to ask again when the dead worker's slot lease ends: at most its lease (3 s) after the kill.
        const retryAt = (await throttledStep()).nextRetryAt!;
        expect(retryAt).toBeGreaterThan(killedAt - 3_000);
        expect(retryAt).toBeLessThanOrEqual(killedAt + 3_000);
        clock.set(retryAt + 1);
        await until(async () => (await store!.getTask(taskId))?.state === 'completed', 'the payment completed', clock);
        expect(ran.length).toBeGreaterThanOrEqual(1);
      }, 60_000);
    }
  });
}
