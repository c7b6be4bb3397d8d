import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RECONCILIATION_RULES,
  reconcile,
  restockAll,
  runCheckouts,
  type LoadResult,
  type Reconciliation,
} from '@tasker/bench/black-friday';
import { startTestApp, TEST_SIMULATION, type TestApp } from './test-fixtures/test-app.js';

/** The benchmark's "Black Friday" in small: 300 checkouts on SQLite, 15% transient faults, 1% declined cards. */
describe('Black Friday on SQLite', () => {
  let test: TestApp;
  let load: LoadResult;
  let books: Reconciliation;
  const retriesByStep = new Map<string, number>();

  beforeAll(async () => {
    test = await startTestApp({
      simulation: { ...TEST_SIMULATION, transientFaultRate: 0.15, rateLimitRetryAfterMs: 5 },
      logLevel: 'warn',
    });
    await restockAll(test.app.database.knex, 1_000);
    test.app.engine.on('step.retry_scheduled', (event) => {
      retriesByStep.set(event.stepName!, (retriesByStep.get(event.stepName!) ?? 0) + 1);
    });
    load = await runCheckouts({
      baseUrl: test.url,
      checkouts: 300,
      concurrency: 50,
      declineEvery: 100,
      productIds: [1, 2, 3, 4],
    });
    books = await reconcile(test.app.database.knex);
  }, 60_000);
  afterAll(() => test.close());

  it('fails exactly the checkouts with a declined card and completes every other one', () => {
    expect(load).toMatchObject({ checkouts: 300, declined: 3, failed: 3, completed: 297, failedWithGoodCard: [] });
  });

  it('met injected faults in every simulated service and retried them', () => {
    // 15% of ~300 requests per service are faulty, each failing once or twice.
    for (const step of ['process_payment', 'update_inventory', 'send_confirmation']) {
      expect(retriesByStep.get(step)).toBeGreaterThan(15);
    }
    expect(retriesByStep.get('validate_cart')).toBeUndefined();
  });

  it('reconciles: every charge one order, every order one charge, stock moved once, one email per order', () => {
    expect(books).toMatchObject({ charges: 297, orders: 297, emails: 297 });
    expect(Object.fromEntries(RECONCILIATION_RULES.map((rule) => [rule, books[rule]]))).toEqual(
      Object.fromEntries(RECONCILIATION_RULES.map((rule) => [rule, 0])),
    );
  });
});
