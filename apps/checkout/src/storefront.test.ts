import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, type TestBrowser } from './test-fixtures/chromium.js';
import { startTestApp, TEST_SIMULATION, type TestApp } from './test-fixtures/test-app.js';

describe('the storefront in Chromium', () => {
  let test: TestApp;
  let chromium: TestBrowser;
  let browser: TestBrowser['context'];

  beforeAll(async () => {
    // Latencies a browser can watch go by, a flaky card that fails twice before it charges, and a rate-limited one
    // told to come back in a second (time to empty a shelf behind a cart's back).
    test = await startTestApp({
      simulation: { ...TEST_SIMULATION, latencyMs: { min: 20, max: 60 }, rateLimitRetryAfterMs: 1_000 },
      retryBackoffBaseMs: 100,
    });
    chromium = await launchChromium();
    browser = chromium.context;
  }, 30_000);

  afterAll(async () => {
    await chromium?.close();
    await test?.close();
  });

  it('checks out with a flaky card, shows the payment step retried live, and the order complete', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 820 });
    await page.goto(test.url);
    await page.getByLabel('quantity of USB-C dock').fill('1');
    await page.selectOption('#token', 'tok_flaky');
    await page.click('#checkout');

    await expect.poll(() => page.locator('#result.completed').count(), { timeout: 15_000 }).toBe(1);
    const order = await test.app.database.knex('orders').first();
    expect(await page.locator('#result').textContent()).toContain(`Order #${order.id} confirmed`);
    const payment = page.locator('#steps tr[data-step="process_payment"] td');
    expect(await payment.allTextContents()).toEqual(['process_payment', 'completed', '3', expect.any(String)]);
    // The seed's five steps, the fraud review (a small order passes it at once), the shipping decision and its two
    // branches (the one not chosen shown skipped).
    expect(await page.locator('#steps tbody tr').count()).toBe(9);
    expect(await page.locator('#steps tr[data-step="ship_express"] td').nth(1).textContent()).toBe('skipped');
    const log = await page.locator('#log').textContent();
    // The log shows what happens after the page subscribes (the table shows the rest): the first failure may come
    // before that, the second comes a backoff later.
    expect(log).toContain('process_payment: in_progress → waiting_for_retry (attempt 2)');
    expect(log).toContain('task: in_progress → completed');
    // Stock on the page is reloaded from the tables after the order: 9 docks left of 10.
    expect(await page.locator('#products tr', { hasText: 'USB-C dock' }).textContent()).toContain('9 in stock');

    expect(await screenshot(page, 'storefront-order-completed')).toBeGreaterThan(10_000);
  });

  it('shows a declined card as a failed checkout with its error and correlation id', async () => {
    const page = await browser.newPage();
    await page.goto(test.url);
    await page.selectOption('#token', 'tok_insufficient_funds');
    await page.click('#checkout');
    await expect.poll(() => page.locator('#result.failed').count(), { timeout: 15_000 }).toBe(1);
    const taskId = await page.locator('#task').textContent();
    const status = (await (await fetch(`${test.url}/orders/${taskId}/status`)).json()) as { correlation_id: string };
    const correlationId = status.correlation_id;
    expect(await page.locator('#result').textContent()).toBe(
      `Checkout failed: Step 'process_payment' failed: Payment failed: payment processor: card declined: ` +
        `insufficient funds (correlation id ${correlationId})`,
    );
    expect(await page.locator('#steps tr[data-step="process_payment"] td').nth(1).textContent()).toBe('failed');
    expect(await page.locator('#checkout').isEnabled()).toBe(true);
  });

  it('shows a charge given back live when the stock is gone by the inventory update: the payment compensated, the refund', async () => {
    const page = await browser.newPage();
    await page.goto(test.url);
    await page.getByLabel('quantity of Desk lamp').fill('3');
    await page.getByLabel('quantity of Mechanical keyboard').fill('0');
    await page.selectOption('#token', 'tok_rate_limited');
    await page.click('#checkout');
    // While the processor makes the payment wait, another sale takes every lamp.
    const payment = page.locator('#steps tr[data-step="process_payment"] td');
    await expect.poll(() => payment.nth(1).textContent(), { timeout: 15_000, interval: 10 }).toBe('waiting_for_retry');
    const db = test.app.database.knex;
    const lamps = Number((await db('products').where({ id: 3 }).first('stock')).stock);
    await db('products').where({ id: 3 }).decrement('stock', lamps);
    await db('inventory_movements').insert({
      product_id: 3,
      quantity_delta: -lamps,
      reason: 'adjustment',
      created_at: 0,
    });

    await expect.poll(() => page.locator('#result.refunded').count(), { timeout: 15_000 }).toBe(1);
    const taskId = await page.locator('#task').textContent();
    const refund = await db('refunds').where({ reference: taskId }).first();
    const charge = await db('payments').where({ reference: taskId }).first();
    expect(await page.locator('#result').textContent()).toContain(
      `Refunded $${(charge.amount_cents / 100).toFixed(2)} (${refund.id}) of payment ${charge.id}`,
    );
    expect(await payment.nth(1).textContent()).toBe('compensated');
    expect(await page.locator('#steps tr[data-step="update_inventory"] td').nth(1).textContent()).toBe('failed');
    const log = await page.locator('#log').textContent();
    expect(log).toContain('process_payment: compensating → compensated');
    expect(log).toContain('task: compensating → failed');
    expect(await db('orders').where({ task_id: taskId })).toEqual([]);

    expect(await screenshot(page, 'storefront-checkout-refunded')).toBeGreaterThan(10_000);
  });
});
