import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, type TestBrowser } from './test-fixtures/chromium.js';
import {
  contentWidth,
  focusedText,
  openDashboard,
  seriousViolations,
  VIEWPORTS,
} from './test-fixtures/dashboard-browser.js';
import {
  checkoutBody,
  postCheckout,
  settledStatus,
  startTestApp,
  TEST_SIMULATION,
  type TestApp,
} from './test-fixtures/test-app.js';

const POLL = { timeout: 15_000, interval: 50 };

describe('the operator dashboard at /tasker/ui in Chromium', () => {
  let test: TestApp;
  let chromium: TestBrowser;
  const ui = (path = '') => `${test.url}/tasker/ui/${path}`;

  beforeAll(async () => {
    test = await startTestApp({
      // A flaky card fails twice, a backoff apart, slowly enough to watch; tok_timeout's charge answers after a
      // minute and the payment waits for it, so that its task runs until cancelled.
      simulation: { ...TEST_SIMULATION, latencyMs: { min: 30, max: 80 }, slowResponseMs: 60_000 },
      paymentTimeouts: { standardMs: 90_000, expressMs: 90_000 },
      retryBackoffBaseMs: 400,
    });
    chromium = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await chromium?.close();
    await test?.close();
  });

  // Each tab holds an event stream open, and Chromium opens at most six connections to one HTTP/1.1 server.
  afterEach(async () => {
    for (const page of chromium.context.pages()) await page.close();
  });

  const checkout = async (token: string) => {
    const accepted = await postCheckout(test.url, checkoutBody(token));
    expect(accepted.statusCode).toBe(202);
    return accepted.body.task_id as string;
  };
  /** A completed checkout's task id: the first one made, or a new one. */
  const completedTaskId = async () => {
    const page = (await (await fetch(`${test.url}/tasker/tasks?limit=1&state=completed`)).json()) as {
      tasks: Array<{ task_id: string }>;
    };
    if (page.tasks[0]) return page.tasks[0].task_id;
    const taskId = await checkout('tok_success');
    expect((await settledStatus(test.url, taskId)).status).toBe('completed');
    return taskId;
  };
  const nodeState = (page: Page, step: string) =>
    page.locator(`.dag-node[data-step="${step}"]`).getAttribute('data-state');

  it('shows a new checkout in the list live, and its DAG of nine steps (the seed’s five, the fraud review and the shipping branches) changing state live', async () => {
    const { page, errors } = await openDashboard(chromium.context, ui('tasks'));
    await expect.poll(() => page.locator('.live').textContent(), POLL).toBe('live');
    const taskId = await checkout('tok_flaky');
    // No reload: the row arrives from the event stream.
    await expect.poll(() => page.locator(`tr[data-task="${taskId}"]`).count(), POLL).toBe(1);

    await page.locator(`tr[data-task="${taskId}"] a`).click();
    await expect.poll(() => page.locator('.dag-node').count(), POLL).toBe(9);
    expect(
      await page.locator('.dag-node').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-step'))),
    ).toEqual(
      expect.arrayContaining([
        'validate_cart',
        'process_payment',
        'update_inventory',
        'create_order',
        'send_confirmation',
      ]),
    );
    const seen = new Set<string | null>();
    await expect
      .poll(async () => {
        seen.add(await nodeState(page, 'process_payment'));
        return nodeState(page, 'send_confirmation');
      }, POLL)
      .toBe('completed');
    // The payment was seen waiting between its attempts, then completed, on the same page.
    expect([...seen]).toEqual(expect.arrayContaining(['waiting_for_retry', 'completed']));
    // Three attempts of the payment on the timeline, the first two ending in a retry.
    const bars = page.locator('.timeline-bar[data-step="process_payment"]');
    expect(await bars.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-state')))).toEqual([
      'waiting_for_retry',
      'waiting_for_retry',
      'completed',
    ]);
    expect(await page.locator('.page-head .badge').textContent()).toBe('completed');

    await page.locator('.dag-node[data-step="process_payment"]').click();
    await expect.poll(() => page.locator('#drawer-title').textContent(), POLL).toBe('process_payment');
    expect(await page.locator('.drawer .json pre').first().textContent()).toContain('"payment_id"');
    // The confirmation is a map step: its drawer counts its items, one per recipient.
    await page.locator('.dag-node[data-step="send_confirmation"]').click();
    await expect.poll(() => page.locator('.drawer dl').textContent(), POLL).toContain('2 completed of 2 started');
    expect(errors).toEqual([]);
  });

  it('shows a large order waiting for its fraud review, and what the step waits for', async () => {
    const accepted = await postCheckout(test.url, {
      ...checkoutBody('tok_success'),
      // Six headphones: above the review threshold, so review_order waits for the signal `review`.
      cart_items: [{ product_id: 4, quantity: 6 }],
    });
    const taskId = accepted.body.task_id as string;
    const { page, errors } = await openDashboard(chromium.context, ui(`tasks/${taskId}`));
    await expect.poll(() => nodeState(page, 'review_order'), POLL).toBe('waiting');
    await page.locator('.dag-node[data-step="review_order"]').click();
    await expect.poll(() => page.locator('.drawer dl').textContent(), POLL).toContain('signal review');
    expect(errors).toEqual([]);
  });

  it("shows a task's deadline in its page's header", async () => {
    const created = await fetch(`${test.url}/tasker/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        namespace: 'ecommerce',
        name: 'process_order',
        version: '1.1.0',
        // Held for its fraud review, so that it is still running when the page shows it.
        context: checkoutBody('tok_success', { cart_items: [{ product_id: 4, quantity: 6 }] }),
        deadline_ms: 86_400_000,
      }),
    });
    expect(created.status).toBe(201);
    const { task_id: taskId } = (await created.json()) as { task_id: string };
    const { deadline_at: deadlineAt } = (await (await fetch(`${test.url}/tasker/tasks/${taskId}`)).json()) as {
      deadline_at: string;
    };
    const { page, errors } = await openDashboard(chromium.context, ui(`tasks/${taskId}`));
    const deadline = page.locator('.page-head .deadline time');
    await expect.poll(() => deadline.getAttribute('datetime'), POLL).toBe(deadlineAt);
    expect(await page.locator('.page-head .deadline').textContent()).toMatch(/^deadline \S/);
    expect(errors).toEqual([]);
  });

  it('cancels a running task with a reason after a confirmation, and its history shows who and why', async () => {
    const taskId = await checkout('tok_timeout');
    const { page, errors } = await openDashboard(chromium.context, ui(`tasks/${taskId}`));
    await expect.poll(() => nodeState(page, 'process_payment'), POLL).toBe('in_progress');
    expect(await page.getByRole('button', { name: 'Retry task' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Cancel task' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    // Refused in the form without a reason: nothing was sent.
    expect(await dialog.getByRole('alert').textContent()).toContain('Say why the task is cancelled');
    await dialog.getByLabel('Reason').fill('customer called to cancel');
    await dialog.getByRole('button', { name: 'Confirm' }).click();

    await expect.poll(() => page.locator('.page-head .badge').textContent(), POLL).toBe('cancelled');
    await expect.poll(() => nodeState(page, 'process_payment'), POLL).not.toBe('in_progress');
    const cancelled = page.locator('table.history tr', { hasText: 'customer called to cancel' }).first();
    expect(await cancelled.textContent()).toContain('anonymous');
    expect(errors).toEqual([]);
  });

  it('retries a failed task after a confirmation, and refuses a resolve with invalid JSON in the form', async () => {
    const taskId = await checkout('tok_insufficient_funds');
    expect((await settledStatus(test.url, taskId)).status).toBe('failed');
    const { page, errors } = await openDashboard(chromium.context, ui(`tasks/${taskId}`));
    await expect.poll(() => nodeState(page, 'process_payment'), POLL).toBe('failed');

    await page.locator('.dag-node[data-step="process_payment"]').click();
    await page.getByRole('button', { name: 'Resolve step' }).click();
    const resolve = page.getByRole('dialog', { name: /Resolve process_payment/ });
    await resolve.getByLabel('Results (JSON)').fill('{"charge_id": ');
    await resolve.getByRole('button', { name: 'Confirm' }).click();
    expect(await resolve.getByRole('alert').textContent()).toContain('Results must be JSON');
    expect(await resolve.getByLabel('Results (JSON)').getAttribute('aria-invalid')).toBe('true');
    await resolve.getByRole('button', { name: 'Back' }).click();
    expect(await nodeState(page, 'process_payment')).toBe('failed');

    await page.getByRole('button', { name: 'Retry task' }).click();
    const retry = page.getByRole('dialog', { name: /Retry/ });
    await retry.getByLabel('Reason').fill('card topped up');
    await retry.getByRole('button', { name: 'Confirm' }).click();
    const retried = page.locator('table.history tr', { hasText: 'card topped up' }).first();
    await expect.poll(() => retried.count(), POLL).toBe(1);
    expect(await retried.textContent()).toContain('anonymous');
    // The card is still declined: the retry runs the payment again, which fails again.
    await expect.poll(() => page.locator('.timeline-bar[data-step="process_payment"]').count(), POLL).toBe(2);
    expect(errors).toEqual([]);
  });

  it('filters the list by a state count and by correlation id, and opens a task by its id', async () => {
    const failedId = await checkout('tok_insufficient_funds');
    expect((await settledStatus(test.url, failedId)).status).toBe('failed');
    await completedTaskId();
    const { page, errors } = await openDashboard(chromium.context, ui('tasks'));
    await page.locator('button.count[data-state="failed"]').click();
    await expect.poll(() => page.locator(`tr[data-task="${failedId}"]`).count(), POLL).toBe(1);
    const states = () =>
      page.locator('table.tasks tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-state')));
    expect(new Set(await states())).toEqual(new Set(['failed']));
    expect(await page.locator('select[name="state"]').inputValue()).toBe('failed');

    const { correlation_id: correlationId } = (await (await fetch(`${test.url}/tasker/tasks/${failedId}`)).json()) as {
      correlation_id: string;
    };
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Correlation id').fill(correlationId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => page.locator('table.tasks tbody tr').count(), POLL).toBe(1);
    expect(await page.locator('table.tasks tbody tr').getAttribute('data-task')).toBe(failedId);

    await page.getByLabel('Task id', { exact: true }).fill('not-an-id');
    await page.getByRole('button', { name: 'Open' }).click();
    expect(await page.locator('#task-id-problem').textContent()).toContain('A task id is a UUID');
    await page.getByLabel('Task id', { exact: true }).fill(failedId);
    await page.getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => page.locator('.page-head .id').textContent(), POLL).toBe(failedId);
    expect(errors).toEqual([]);
  });

  const PAGES = [
    ['tasks', 'tasks'],
    ['task', 'task'],
    ['templates', 'templates'],
    ['template', 'templates/ecommerce/process_order'],
    ['analytics', 'analytics'],
    ['workers', 'workers'],
  ] as const;

  it.each(PAGES)(
    'loads the %s page with no console error and no serious accessibility violation, at desktop and phone width',
    async (name, path) => {
      const taskId = await completedTaskId();
      for (const [size, viewport] of Object.entries(VIEWPORTS)) {
        const { page, errors } = await openDashboard(
          chromium.context,
          ui(path === 'task' ? `tasks/${taskId}` : path),
          viewport,
        );
        await expect.poll(() => page.locator('main h1').count(), POLL).toBe(1);
        await expect.poll(() => page.getByText('Loading…').count(), POLL).toBe(0);
        expect(await seriousViolations(page)).toEqual([]);
        if (size === 'phone') {
          // Nothing wider than the phone: tables and graphs scroll inside their own boxes.
          expect(await contentWidth(page)).toBeLessThanOrEqual(viewport.width);
        }
        expect(await screenshot(page, `dashboard-${name}-${size}`)).toBeGreaterThan(5_000);
        await page.emulateMedia({ colorScheme: 'dark' });
        expect(await seriousViolations(page)).toEqual([]);
        if (size === 'desktop') expect(await screenshot(page, `dashboard-${name}-${size}-dark`)).toBeGreaterThan(5_000);
        expect(errors).toEqual([]);
        await page.close();
      }
    },
    60_000,
  );

  it('is reachable by keyboard: the skip link, the pages and a step of the DAG', async () => {
    const taskId = await completedTaskId();
    const { page } = await openDashboard(chromium.context, ui(`tasks/${taskId}`));
    await expect.poll(() => page.locator('.dag-node').count(), POLL).toBe(9);
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Skip to content');
    await page.locator('.dag-node[data-step="create_order"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#drawer-title').textContent(), POLL).toBe('create_order');
    await page.getByRole('link', { name: 'Templates' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('main h1').textContent(), POLL).toBe('Templates');
  });
});
