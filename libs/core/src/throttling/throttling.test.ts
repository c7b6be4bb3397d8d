import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { StepTemplate } from '../domain/template.js';
import { createEngine } from '../engine/create-engine.js';
import type { Engine } from '../engine/engine.js';
import type { StepContext } from '../handlers/step-context.js';
import { silentLogger } from '../ports/logger.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { TaskStore } from '../store/task-store.js';
import { EXACT_BACKOFF } from '../test-fixtures/engine-fixture.js';
import { settle } from '../test-fixtures/settle.js';
import { deferred, type Deferred } from '../testing/deferred.js';
import { recordEvents } from '../testing/wait-for-event.js';
import { describeThrottlingAcrossWorkers } from '../testing/throttling-contract.js';

const MINUTE = 60_000;

/** A payment step limited per merchant, with what the test gives it. */
const pay = (limits: Partial<StepTemplate>): StepTemplate[] => [{ name: 'pay', handler: 'pay', ...limits }];
const PER_MERCHANT = '$.context.merchant_id';

/** A handler that counts the calls in flight, holding each until the test lets it go. */
function gate() {
  let inFlight = 0;
  let peak = 0;
  const held: Deferred<void>[] = [];
  const handler = async (ctx: StepContext) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    const release = deferred();
    held.push(release);
    await release.promise;
    inFlight--;
    return { merchant: (ctx.task.context as { merchant_id?: string }).merchant_id ?? null };
  };
  return {
    handler,
    get peak() {
      return peak;
    },
    get inFlight() {
      return inFlight;
    },
    /** Lets the oldest held call return. */
    releaseOne: () => held.shift()?.resolve(),
  };
}

async function boot(store: TaskStore, clock: SimulatedClock, steps: StepTemplate[], handler: unknown) {
  const engine = createEngine({ store, clock, logger: silentLogger, defaults: { backoff: EXACT_BACKOFF } });
  engine.registerHandler('pay', handler as never);
  engine.registerTemplate({ namespace: 'shop', name: 'order', version: '1.0.0', steps });
  await engine.start();
  return engine;
}

const order = async (engine: Engine, merchant: string | undefined) =>
  (await engine.runTask({ namespace: 'shop', name: 'order', context: merchant ? { merchant_id: merchant } : {} }))
    .taskId;

const stateOf = async (engine: Engine, taskId: string) => (await engine.getTask(taskId)).steps[0]!.state;

describe('concurrency keys', () => {
  it('runs at most the limit of attempts per key value at once; the others wait throttled, woken as slots free', async () => {
    const clock = new SimulatedClock();
    const payments = gate();
    const engine = await boot(
      createMemoryStore(),
      clock,
      pay({ concurrency: { key: PER_MERCHANT, limit: 2 } }),
      payments.handler,
    );
    const throttled = recordEvents(engine, 'step.throttled');
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await order(engine, 'm-1'));
    const other = await order(engine, 'm-2');
    await settle(30);
    expect(payments.inFlight).toBe(3);
    expect((await Promise.all(ids.map((id) => stateOf(engine, id)))).sort()).toEqual([
      'in_progress',
      'in_progress',
      'throttled',
      'throttled',
      'throttled',
    ]);
    expect(await stateOf(engine, other)).toBe('in_progress');
    expect(throttled.map((event) => event.attempt)).toEqual([1, 1, 1]);
    // Each release lets one throttled payment in, never more than two of m-1 at once; none of this counts as a retry.
    for (let i = 0; i < 6; i++) {
      payments.releaseOne();
      await settle(30);
    }
    const tasks = await Promise.all([...ids, other].map((id) => engine.waitForTask(id)));
    expect(tasks.map((task) => task.state)).toEqual(Array(6).fill('completed'));
    expect(tasks.map((task) => task.steps[0]!.attempts)).toEqual(Array(6).fill(1));
    expect(payments.peak).toBe(3);
    expect(throttled).toHaveLength(3);
    await engine.stop();
  });

  it('frees the slot of a crashed holder when its lease ends, at the time the throttled step was told', async () => {
    const clock = new SimulatedClock();
    const store = createMemoryStore();
    // A worker that died holding the only slot of m-1 (its lease runs 30 s more).
    const crashedUntil = clock.now() + 30_000;
    const key = 'shop/order/pay:"m-1"';
    await store.acquireSlot({ key, limit: 1, holder: 'gone/pay', until: crashedUntil, now: clock.now() });
    const engine = await boot(store, clock, pay({ concurrency: { key: PER_MERCHANT, limit: 1 } }), () => 'paid');
    const [event, taskId] = await Promise.all([
      new Promise((resolve) => engine.on('step.throttled', resolve)),
      order(engine, 'm-1'),
    ]);
    expect(event).toMatchObject({ stepName: 'pay', from: 'pending', to: 'throttled', nextRetryAt: crashedUntil });
    clock.increment(29_999);
    await settle(30);
    expect(await stateOf(engine, taskId as string)).toBe('throttled');
    clock.increment(1);
    await settle(30);
    expect((await engine.waitForTask(taskId as string)).state).toBe('completed');
    await engine.stop();
  });

  it('holds across engines on one store: a slot one engine releases wakes the step another throttled', async () => {
    const clock = new SimulatedClock();
    const store = createMemoryStore();
    const first = gate();
    const a = await boot(store, clock, pay({ concurrency: { key: PER_MERCHANT, limit: 1 } }), first.handler);
    const b = await boot(store, clock, pay({ concurrency: { key: PER_MERCHANT, limit: 1 } }), () => 'paid');
    const held = await order(a, 'm-1');
    await settle(30);
    const waiting = await order(b, 'm-1');
    await settle(30);
    expect(await stateOf(b, waiting)).toBe('throttled');
    first.releaseOne();
    expect((await b.waitForTask(waiting)).state).toBe('completed');
    expect((await a.waitForTask(held)).state).toBe('completed');
    await Promise.all([a.stop(), b.stop()]);
  });

  it('lets a throttled step be resolved by hand, without ever running it', async () => {
    const clock = new SimulatedClock();
    const payments = gate();
    const engine = await boot(
      createMemoryStore(),
      clock,
      pay({ concurrency: { key: PER_MERCHANT, limit: 1 } }),
      payments.handler,
    );
    await order(engine, 'm-1');
    const waiting = await order(engine, 'm-1');
    await settle(30);
    expect(await stateOf(engine, waiting)).toBe('throttled');
    await engine.resolveStep(waiting, 'pay', { paid: 'by phone' }, { by: 'ops', reason: 'charged by hand' });
    const task = await engine.waitForTask(waiting);
    expect(task.state).toBe('resolved_manually');
    expect(task.steps[0]).toMatchObject({ state: 'resolved_manually', attempts: 0, results: { paid: 'by phone' } });
    payments.releaseOne();
    await settle(30);
    expect(payments.peak).toBe(1);
    await engine.stop();
  });

  it('lets a throttled step be cancelled, without ever running it', async () => {
    const clock = new SimulatedClock();
    const payments = gate();
    const engine = await boot(
      createMemoryStore(),
      clock,
      pay({ concurrency: { key: PER_MERCHANT, limit: 1 } }),
      payments.handler,
    );
    await order(engine, undefined);
    const waiting = await order(engine, undefined);
    await settle(30);
    expect(await stateOf(engine, waiting)).toBe('throttled');
    await engine.cancelTask(waiting, { by: 'ops', reason: 'duplicate order' });
    expect((await engine.getTask(waiting)).steps[0]).toMatchObject({ state: 'cancelled', attempts: 0 });
    payments.releaseOne();
    await settle(30);
    expect(payments.peak).toBe(1);
    await engine.stop();
  });
});

describe('rate limits', () => {
  it('starts at most the limit of attempts per period; a throttled step starts when its next token comes', async () => {
    const clock = new SimulatedClock();
    const started: number[] = [];
    const engine = await boot(
      createMemoryStore(),
      clock,
      pay({ rateLimit: { key: PER_MERCHANT, limit: 2, periodMs: MINUTE } }),
      () => started.push(clock.now()),
    );
    const throttled = recordEvents(engine, 'step.throttled');
    const t0 = clock.now();
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await order(engine, 'm-1'));
    await settle(30);
    expect(started).toEqual([t0, t0]);
    expect(throttled.map((event) => event.nextRetryAt)).toEqual([t0 + 30_000, t0 + 30_000]);
    clock.increment(29_999);
    await settle(30);
    expect(started).toHaveLength(2);
    clock.increment(1);
    await settle(30);
    expect(started).toEqual([t0, t0, t0 + 30_000]);
    clock.increment(30_000);
    await settle(30);
    expect(started).toEqual([t0, t0, t0 + 30_000, t0 + 60_000]);
    const tasks = await Promise.all(ids.map((id) => engine.waitForTask(id)));
    expect(tasks.every((task) => task.state === 'completed')).toBe(true);
    await engine.stop();
  });
});

describe('a throttled task', () => {
  it('leaves memory while its next token is far off, and any worker runs it when the token comes', async () => {
    const clock = new SimulatedClock();
    const store = createMemoryStore();
    const started: number[] = [];
    const hourly = pay({ rateLimit: { key: PER_MERCHANT, limit: 1, periodMs: 3_600_000 } });
    const first = await boot(store, clock, hourly, () => started.push(clock.now()));
    const t0 = clock.now();
    await first.waitForTask(await order(first, 'm-1'));
    const throttled = new Promise((resolve) => first.on('step.throttled', resolve));
    const later = await order(first, 'm-1');
    expect(await throttled).toMatchObject({ nextRetryAt: t0 + 3_600_000 });
    await settle(30);
    // Passivated: an hour is past passivateAfterMs; its wake-up is the token's time.
    expect(first.activeTaskCount).toBe(0);
    await first.stop();
    const second = await boot(store, clock, hourly, () => started.push(clock.now()));
    clock.increment(3_600_000);
    expect((await second.waitForTask(later)).state).toBe('completed');
    expect(started).toEqual([t0, t0 + 3_600_000]);
    await second.stop();
  });
});

describe('registering limits', () => {
  it('refuses keys that are not value paths, or read a step not depended on, and limits that are not positive', () => {
    const engine = createEngine({ store: createMemoryStore(), logger: silentLogger });
    engine.registerHandler('pay', () => null);
    let error: unknown;
    try {
      engine.registerTemplate({
        namespace: 'shop',
        name: 'order',
        version: '1.0.0',
        steps: [
          { name: 'check', handler: 'pay' },
          { name: 'pay', handler: 'pay', concurrency: { key: 'merchant_id', limit: 0 } },
          { name: 'ship', handler: 'pay', rateLimit: { key: '$.results.check.carrier', limit: 5, periodMs: 1.5 } },
        ],
      });
    } catch (thrown) {
      error = thrown;
    }
    expect((error as { problems: unknown[] }).problems).toEqual([
      expect.objectContaining({ path: 'steps[1].concurrency.key', message: expect.stringMatching(/must start with/) }),
      { code: 'INVALID_SETTING', path: 'steps[1].concurrency.limit', message: 'must be a positive integer' },
      {
        code: 'INVALID_SETTING',
        path: 'steps[2].rateLimit.key',
        message: "'$.results.check.carrier' reads step 'check', which 'ship' does not depend on",
      },
      {
        code: 'INVALID_SETTING',
        path: 'steps[2].rateLimit.periodMs',
        message: 'must be a positive integer of milliseconds',
      },
    ]);
  });
});

describeThrottlingAcrossWorkers('memory', async () => createMemoryStore());
