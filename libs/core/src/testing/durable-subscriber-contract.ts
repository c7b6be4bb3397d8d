import { describe, expect, it, vi } from 'vitest';
import type { Engine } from '../engine/engine.js';
import type { ReopenableStore } from './compensation-resume-contract.js';
import { orderEngine, PATIENCE, runOrder, uniqueNamespace } from './order-engine.js';

/** What a subscriber saw: the event's id, task and type, and the try it was. */
interface Seen {
  id: string;
  taskId: string;
  type: string;
  attempt: number;
}

/** Every logged event of `namespace`, oldest first, as a subscriber would see it on its first try. */
async function logOf(engine: Engine, namespace: string): Promise<Seen[]> {
  const logged = await engine.events.read({ namespace, limit: 1_000 });
  return logged.map(({ id, event }) => ({ id, taskId: event.taskId, type: event.type, attempt: 1 }));
}

/** A handler that records what it gets into `seen`. */
const recordInto =
  (seen: Seen[]) =>
  (event: { taskId: string; type: string }, delivery: { id: string; attempt: number }): void => {
    seen.push({ id: delivery.id, taskId: event.taskId, type: event.type, attempt: delivery.attempt });
  };

/**
 * That durable subscribers (`engine.subscribe`) keep their promises on a store: one that was down gets exactly what
 * it missed, in order; a failing handler is retried without holding up other subscribers; two engines that register
 * one name on one store deliver each event once, and the second takes over when the first stops.
 *
 * @example
 * describeDurableSubscribers('PostgreSQL', async () => ({ store: createKnexStore(config), reopen: async () => createKnexStore(config) }));
 */
export function describeDurableSubscribers(name: string, open: () => Promise<ReopenableStore>): void {
  describe(`durable subscribers: ${name}`, () => {
    it('gives a subscriber that was down exactly the events it missed, in order, after its restart', async () => {
      const namespace = uniqueNamespace();
      const subscription = { name: `${namespace}:audit`, namespace };
      const { store, reopen } = await open();
      const stores = [store];
      try {
        const before: Seen[] = [];
        const first = orderEngine(store, namespace);
        first.subscribe({ ...subscription, handle: recordInto(before) });
        await first.start();
        const seenFirst = await runOrder(first, namespace);
        await vi.waitFor(() => expect(before.at(-1)?.type).toBe('task.completed'), PATIENCE);
        await first.stop();
        expect(before).toEqual(await logOf(first, namespace));
        expect(new Set(before.map((seen) => seen.taskId))).toEqual(new Set([seenFirst]));

        // While the subscriber is down, another engine, with no subscriber, runs a task.
        const otherStore = await reopen();
        stores.push(otherStore);
        const other = orderEngine(otherStore, namespace);
        await other.start();
        const missedTask = await runOrder(other, namespace);
        await other.stop();
        const missed = (await logOf(other, namespace)).filter((seen) => seen.taskId === missedTask);
        expect(missed.length).toBeGreaterThan(0);

        const after: Seen[] = [];
        const restartedStore = await reopen();
        stores.push(restartedStore);
        const restarted = orderEngine(restartedStore, namespace);
        restarted.subscribe({ ...subscription, handle: recordInto(after) });
        await restarted.start();
        await vi.waitFor(() => expect(after.length).toBeGreaterThanOrEqual(missed.length), PATIENCE);
        await restarted.stop();
        expect(after).toEqual(missed);
        expect(await restartedStore.readSubscriberPosition(subscription.name)).toBe(missed.at(-1)!.id);
      } finally {
        for (const opened of new Set(stores)) await opened.close();
      }
    });

    it('retries a failing handler on the same event, in order, while other subscribers go on', async () => {
      const namespace = uniqueNamespace();
      const { store } = await open();
      try {
        const engine = orderEngine(store, namespace);
        const steady: Seen[] = [];
        const flaky: Seen[] = [];
        let receiverUp = false;
        engine.subscribe({ name: `${namespace}:steady`, namespace, handle: recordInto(steady) });
        engine.subscribe({
          name: `${namespace}:flaky`,
          namespace,
          retry: { baseMs: 5, maxMs: 20 },
          handle: (event, delivery) => {
            recordInto(flaky)(event, delivery);
            if (!receiverUp) throw new Error('receiver down');
          },
        });
        await engine.start();
        await runOrder(engine, namespace);
        const log = await logOf(engine, namespace);
        // The steady subscriber got everything while the flaky one is still stuck on the first event.
        await vi.waitFor(() => expect(steady).toEqual(log), PATIENCE);
        await vi.waitFor(() => expect(flaky.length).toBeGreaterThanOrEqual(3), PATIENCE);
        expect(new Set(flaky.map((seen) => seen.id))).toEqual(new Set([log[0]!.id]));
        expect(flaky.map((seen) => seen.attempt)).toEqual(flaky.map((_, index) => index + 1));

        receiverUp = true;
        await vi.waitFor(() => expect(flaky.at(-1)?.id).toBe(log.at(-1)!.id), PATIENCE);
        await engine.stop();
        // Each event handled in log order, the first after its failed tries, every later one at its first try.
        expect(flaky.map((seen) => seen.id).filter((id, index, ids) => ids.indexOf(id) === index)).toEqual(
          log.map((seen) => seen.id),
        );
        expect(flaky.filter((seen) => seen.id !== log[0]!.id).every((seen) => seen.attempt === 1)).toBe(true);
      } finally {
        await store.close();
      }
    });

    it('delivers each event once when two engines register one name, and the other takes over when one stops', async () => {
      const namespace = uniqueNamespace();
      const { store, reopen } = await open();
      const otherStore = await reopen();
      try {
        const seen: Array<Seen & { engine: string }> = [];
        const engines = [
          orderEngine(store, namespace, { workerId: 'worker-a' }),
          orderEngine(otherStore, namespace, { workerId: 'worker-b' }),
        ];
        for (const engine of engines) {
          engine.subscribe({
            name: `${namespace}:once`,
            namespace,
            handle: (event, { id, attempt }) => {
              seen.push({ id, taskId: event.taskId, type: event.type, attempt, engine: engine.workerId });
            },
          });
          await engine.start();
        }
        for (let index = 0; index < 4; index++) await runOrder(engines[index % 2]!, namespace);
        const log = await logOf(engines[0]!, namespace);
        await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(log.length), PATIENCE);
        expect(seen.map(({ engine: _engine, ...rest }) => rest)).toEqual(log);
        const holder = seen[0]!.engine;
        expect(new Set(seen.map((entry) => entry.engine))).toEqual(new Set([holder]));

        // The holder stops: it gives the name back, and the other engine delivers what comes next.
        const [stopping, staying] = holder === 'worker-a' ? engines : [engines[1]!, engines[0]!];
        await stopping!.stop();
        await runOrder(staying!, namespace);
        const longer = await logOf(staying!, namespace);
        await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(longer.length), PATIENCE);
        await staying!.stop();
        expect(seen.map(({ engine: _engine, ...rest }) => rest)).toEqual(longer);
        expect(seen.slice(log.length).every((entry) => entry.engine === staying!.workerId)).toBe(true);
      } finally {
        await store.close();
        if (otherStore !== store) await otherStore.close();
      }
    });
  });
}
