import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../domain/events.js';
import { createEngine } from '../engine/create-engine.js';
import type { Engine } from '../engine/engine.js';
import { PermanentError } from '../errors/permanent-error.js';
import type { CompensationContext } from '../handlers/compensation-context.js';
import type { TaskStore } from '../store/task-store.js';
import { waitForEvent } from './wait-for-event.js';

/** A store, and the means to reach its data through a new one, as a restarted worker would. */
export interface ReopenableStore {
  store: TaskStore;
  /** The same data through a new store (a new connection); the same store for one that cannot be reopened. */
  reopen(): Promise<TaskStore>;
}

/** charge (refunded) -> reserve (restocked) -> ship, which fails for good. */
function checkoutEngine(store: TaskStore, refund: (ctx: CompensationContext) => Promise<void>, restocks: string[]) {
  const engine = createEngine({ store, defaults: { backoff: { baseMs: 10, factor: 2, maxMs: 100, jitter: 0 } } })
    .registerHandler('charge', () => ({ chargeId: 'ch_1' }))
    .registerHandler('reserve', () => ({ units: 2 }))
    .registerHandler('ship', () => {
      throw new PermanentError('no carrier');
    })
    .registerHandler('refund', refund)
    .registerHandler('restock', async (ctx: CompensationContext) => {
      restocks.push(ctx.idempotencyKey);
    });
  engine.registerTemplate({
    namespace: 'shop',
    name: 'checkout',
    version: '1.0.0',
    steps: [
      { name: 'charge', handler: 'charge', compensate: { handler: 'refund' } },
      { name: 'reserve', handler: 'reserve', dependsOn: ['charge'], compensate: { handler: 'restock' } },
      { name: 'ship', handler: 'ship', dependsOn: ['reserve'] },
    ],
  });
  return engine;
}

function record(engine: Engine): EngineEvent[] {
  const events: EngineEvent[] = [];
  engine.on('*', (event) => {
    events.push(event);
  });
  return events;
}

/**
 * That compensation is durable on a store: a compensation stopped midway (its engine stopped) resumes on another
 * engine from the store, runs the interrupted compensation again and never one that was recorded as done.
 *
 * @example
 * describeCompensationResume('PostgreSQL', async () => ({ store: createKnexStore(config), reopen: async () => createKnexStore(config) }));
 */
export function describeCompensationResume(name: string, open: () => Promise<ReopenableStore>): void {
  describe(`compensation resumed from the store: ${name}`, () => {
    it('resumes a compensation stopped midway on another engine from the store; a recorded one never runs again', async () => {
      const restocks: string[] = [];
      const refunds: Array<{ engine: string; attempt: number; outcome: string }> = [];
      const { store: firstStore, reopen } = await open();
      const first = checkoutEngine(
        firstStore,
        (ctx) => {
          refunds.push({ engine: 'first', attempt: ctx.attempt, outcome: ctx.step.outcome });
          // Never ends: the engine stops with this refund running.
          return new Promise(() => undefined);
        },
        restocks,
      );
      await first.start();
      const refunding = waitForEvent(first, 'step.compensating', (event) => event.stepName === 'charge', 10_000);
      const { taskId } = await first.runTask({ namespace: 'shop', name: 'checkout', context: {} });
      await refunding;
      await first.stop({ gracePeriodMs: 50 });
      const secondStore = await reopen();
      if (secondStore !== firstStore) await firstStore.close();

      try {
        expect((await secondStore.getTask(taskId))?.state).toBe('compensating');
        const second = checkoutEngine(
          secondStore,
          async (ctx) => {
            refunds.push({ engine: 'second', attempt: ctx.attempt, outcome: ctx.step.outcome });
          },
          restocks,
        );
        const events = record(second);
        await second.start();
        const task = await second.waitForTask(taskId, { timeoutMs: 10_000 });
        await second.stop();
        expect(task.steps[0]?.error?.message).toBeUndefined();
        expect(task.state).toBe('failed');
        expect(task.steps.map((step) => [step.name, step.state])).toEqual([
          ['charge', 'compensated'],
          ['reserve', 'compensated'],
          ['ship', 'failed'],
        ]);
        expect(restocks).toEqual([`${taskId}:reserve:compensate`]);
        expect(refunds.map((call) => [call.engine, call.outcome])).toEqual([
          ['first', 'completed'],
          ['second', 'completed'],
        ]);
        expect(
          events
            .filter((event) => event.taskId === taskId)
            .map((event) => `${event.type}:${'stepName' in event ? event.stepName : ''}`),
        ).toEqual(['step.compensated:charge', 'task.failed:']);
        const history = await secondStore.getTransitions(taskId);
        expect(history.filter((entry) => entry.to === 'compensated').map((entry) => entry.stepName)).toEqual([
          'reserve',
          'charge',
        ]);
      } finally {
        await secondStore.close();
      }
    });
  });
}
