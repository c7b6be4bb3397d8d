import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createEngine } from '../engine/create-engine.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { silentLogger } from '../ports/logger.js';
import { createMemoryStore } from '../store/memory-store.js';
import { settle } from '../test-fixtures/settle.js';
import { deferred } from '../testing/deferred.js';

const SECOND = 1_000;

/** An engine running one task at a time, whose first task holds the slot until the test lets it go. */
async function oneSlotEngine(clock: SimulatedClock) {
  const ran: string[] = [];
  const blocker = deferred();
  const engine = createEngine({
    store: createMemoryStore(),
    clock,
    logger: silentLogger,
    concurrency: 1,
    priorityAgeMs: 10 * SECOND,
  });
  engine.registerHandler('work', async (ctx) => {
    const label = (ctx.task.context as { label: string }).label;
    if (label === 'blocker') await blocker.promise;
    ran.push(label);
    return null;
  });
  engine.registerTemplate({
    namespace: 'shop',
    name: 'job',
    version: '1.0.0',
    steps: [{ name: 'work', handler: 'work' }],
  });
  engine.registerTemplate({
    namespace: 'shop',
    name: 'vip_job',
    version: '1.0.0',
    priority: 3,
    steps: [{ name: 'work', handler: 'work' }],
  });
  await engine.start();
  await engine.runTask({ namespace: 'shop', name: 'job', context: { label: 'blocker' } });
  return { engine, ran, release: () => blocker.resolve() };
}

describe('priorities', () => {
  it('claims higher-priority waiting tasks first, unless a lower one has waited longer than the gap', async () => {
    const clock = new SimulatedClock();
    const { engine, ran, release } = await oneSlotEngine(clock);
    const run = (label: string, priority?: number, name = 'job') =>
      engine.runTask({ namespace: 'shop', name, context: { label }, ...(priority === undefined ? {} : { priority }) });
    await run('aged'); // created 35 s before `vip`: more than the 30 s head start of its template's priority 3
    clock.increment(15 * SECOND);
    await run('low');
    clock.increment(5 * SECOND);
    await run('high', 1); // as if created 10 s earlier: 5 s before `low`
    clock.increment(15 * SECOND);
    await run('vip', undefined, 'vip_job'); // the template's priority 3: as if created 30 s earlier, 5 s before `high`
    release();
    await settle(60);
    expect(ran).toEqual(['blocker', 'aged', 'vip', 'high', 'low']);
    await engine.stop();
  });

  it('refuses a priority that is not a whole number from 0 to 1000, naming it, and stores nothing', async () => {
    const engine = createEngine({ store: createMemoryStore(), logger: silentLogger });
    engine.registerHandler('work', () => null);
    engine.registerTemplate({
      namespace: 'shop',
      name: 'job',
      version: '1.0.0',
      steps: [{ name: 'work', handler: 'work' }],
    });
    for (const priority of [1.5, -1, 1_001]) {
      await expect(engine.runTask({ namespace: 'shop', name: 'job', context: {}, priority })).rejects.toThrow(
        new InvalidRequestError('priority', 'must be a whole number from 0 to 1000'),
      );
    }
    expect((await engine.listTasks({})).tasks).toEqual([]);
    expect(() =>
      engine.registerTemplate({
        namespace: 'shop',
        name: 'bad',
        version: '1.0.0',
        priority: 2.5,
        steps: [{ name: 'work', handler: 'work' }],
      }),
    ).toThrow(/priority: must be a whole number from 0 to 1000/);
  });
});
