import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, type Engine } from '@tasker/core';
import { SimulatedClock } from '@tasker/core/testing';
import knex, { type Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCheckoutEngine } from './checkout-engine.js';
import { TEMPLATES_DIR } from './config/checkout-config.js';
import { migrateShop } from './database/migrations/migrate-shop.js';
import { salesSummaryOf } from './database/sales-summaries.js';
import { ServiceSimulation } from './services/service-simulation.js';
import { TEST_SIMULATION } from './test-fixtures/test-app.js';

/** 2026-12-06T01:00:00Z: an hour before the summary's default time. */
const START = Date.UTC(2026, 11, 6, 1);
const HOUR = 3_600_000;

describe('the nightly sales summary', () => {
  let directory: string;
  let db: Knex;
  let engine: Engine | undefined;
  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'sales-summary-'));
    db = knex({
      client: 'better-sqlite3',
      connection: { filename: join(directory, 'shop.sqlite') },
      useNullAsDefault: true,
    });
    await migrateShop(db);
  });
  afterEach(async () => {
    await engine?.stop({ gracePeriodMs: 0 });
    await db.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  /** An order of `totalCents` placed at `at`, cancelled later when `cancelled`. */
  async function order(id: number, totalCents: number, at: number, cancelled = false) {
    const payment = `pay_${id}`;
    await db('payments').insert({
      id: payment,
      idempotency_key: `key_${id}`,
      reference: `task_${id}`,
      token: 'tok_ok',
      amount_cents: totalCents,
      created_at: at,
    });
    await db('orders').insert({
      task_id: `task_${id}`,
      payment_id: payment,
      customer_email: 'a@example.com',
      customer_name: 'A',
      items: '[]',
      subtotal_cents: totalCents,
      tax_cents: 0,
      total_cents: totalCents,
      created_at: at,
      ...(cancelled ? { cancelled_at: at + 1 } : {}),
    });
  }

  it("runs at its cron time as a task of its own and sums the previous day's standing orders", async () => {
    await order(1, 1_900, START - 20 * HOUR);
    await order(2, 5_000, START - 10 * HOUR);
    await order(3, 7_000, START - 5 * HOUR, true);
    await order(4, 9_999, START - 30 * HOUR);
    const clock = new SimulatedClock();
    clock.set(START);
    const store = createMemoryStore();
    engine = await createCheckoutEngine(
      {
        db,
        simulation: new ServiceSimulation(TEST_SIMULATION),
        paymentTimeouts: { expressMs: 1_000 },
        review: { reviewAbove: 1_000, reviewTimeoutMs: 60_000 },
        templatesDir: TEMPLATES_DIR,
        salesSummaryCron: '0 0 2 * * *',
      },
      { store, clock },
    );
    expect((await engine.listSchedules()).map(({ id, nextFireAt }) => ({ id, nextFireAt }))).toEqual([
      { id: 'nightly_sales_summary', nextFireAt: START + HOUR },
    ]);
    await engine.start();
    clock.increment(HOUR);
    for (let round = 0; round < 400 && (await salesSummaryOf(db, '2026-12-05')) === undefined; round++) {
      clock.increment(0);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await salesSummaryOf(db, '2026-12-05')).toEqual({ day: '2026-12-05', orders: 2, revenueCents: 6_900 });
    const { tasks } = await engine.listTasks({ namespace: 'reports', name: 'sales_summary' });
    expect(tasks).toEqual([
      expect.objectContaining({ scheduleId: 'nightly_sales_summary', scheduledFor: START + HOUR }),
    ]);
  });
});
