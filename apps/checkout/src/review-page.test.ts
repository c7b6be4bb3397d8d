import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, type TestBrowser } from './test-fixtures/chromium.js';
import {
  checkoutBody,
  postCheckout,
  settledStatus,
  startTestApp,
  stepOf,
  taskerTask,
  type TestApp,
} from './test-fixtures/test-app.js';

/** Six headphones: 1,194.00 before tax, above the review threshold. */
const largeCart = [{ product_id: 4, quantity: 6 }];

describe('the page of orders awaiting review', () => {
  let test: TestApp;
  let chromium: TestBrowser;

  beforeAll(async () => {
    test = await startTestApp({ review: { reviewAbove: 1_000, reviewTimeoutMs: 3_600_000 } });
    chromium = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await chromium?.close();
    await test?.close();
  });

  /** Starts a checkout of `cart` and waits until its review waits (or, for a small one, until it settled). */
  async function checkout(cart: unknown, waits = true): Promise<string> {
    const { body } = await postCheckout(test.url, checkoutBody('tok_success', { cart_items: cart }));
    const taskId = body.task_id as string;
    if (waits) {
      await expect
        .poll(async () => stepOf(await taskerTask(test.url, taskId), 'review_order').current_state, { interval: 10 })
        .toBe('waiting');
    } else await settledStatus(test.url, taskId);
    return taskId;
  }
  const pending = async () =>
    ((await (await fetch(`${test.url}/reviews/pending`)).json()) as { orders: Array<Record<string, unknown>> }).orders;
  const decide = (taskId: string, body: unknown) =>
    fetch(`${test.url}/reviews/${taskId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('lists the checkouts whose review waits, and approving one charges it while rejecting another fails it', async () => {
    const small = await checkout([{ product_id: 1, quantity: 1 }], false);
    const approved = await checkout(largeCart);
    const rejected = await checkout(largeCart);
    const listed = await pending();
    expect(listed.map((order) => order.task_id)).toEqual([approved, rejected]);
    expect(listed[0]).toMatchObject({
      customer_name: 'Sarah',
      customer_email: 'sarah@growthcorp.example',
      items: [{ name: expect.any(String), quantity: 6 }],
      total: expect.any(Number),
      review_until: expect.any(String),
    });
    expect(listed.map((order) => order.task_id)).not.toContain(small);

    expect((await decide(approved, { approved: true })).status).toBe(202);
    expect(await settledStatus(test.url, approved)).toMatchObject({ status: 'completed' });
    expect(stepOf(await taskerTask(test.url, approved), 'review_order').results).toMatchObject({
      review: 'approved',
      reviewer: 'storefront',
    });
    expect((await decide(rejected, { approved: false, note: 'stolen card' })).status).toBe(202);
    expect(await settledStatus(test.url, rejected)).toMatchObject({ status: 'failed' });
    expect(stepOf(await taskerTask(test.url, rejected), 'review_order').error_message).toBe(
      'Order rejected in fraud review by storefront: stolen card',
    );
    expect(await pending()).toEqual([]);
  });

  it('refuses a decision on a checkout that does not wait for one, or one that is malformed, changing nothing', async () => {
    const small = await checkout([{ product_id: 1, quantity: 1 }], false);
    const notWaiting = await decide(small, { approved: true });
    expect(notWaiting.status).toBe(409);
    expect(((await notWaiting.json()) as { error: { code: string } }).error.code).toBe('INVALID_TRANSITION');
    const waiting = await checkout(largeCart);
    for (const body of [{}, { approved: 'yes' }, { approved: true, note: 'x'.repeat(501) }]) {
      expect((await decide(waiting, body)).status).toBe(400);
    }
    expect((await decide('not-a-uuid', { approved: true })).status).toBe(400);
    expect((await decide('00000000-0000-4000-8000-000000000000', { approved: true })).status).toBe(404);
    expect((await pending()).map((order) => order.task_id)).toContain(waiting);
    expect((await decide(waiting, { approved: false })).status).toBe(202);
  });

  it('shows the waiting orders in Chromium, and its Approve button approves one', async () => {
    const taskId = await checkout(largeCart);
    const page = await chromium.context.newPage();
    await page.setViewportSize({ width: 1280, height: 600 });
    await page.goto(`${test.url}/reviews`);
    const row = page.locator(`#orders tr[data-task-id="${taskId}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.textContent()).toContain('6 ×');
    expect(await screenshot(page, 'storefront-orders-awaiting-review')).toBeGreaterThan(10_000);
    await row.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
    expect(await page.locator('#message').textContent()).toBe(`Checkout ${taskId.slice(0, 8)} approved.`);
    expect(await settledStatus(test.url, taskId)).toMatchObject({ status: 'completed' });
  });
});
