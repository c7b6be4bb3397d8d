import { SignJWT } from 'jose';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, type TestBrowser } from './test-fixtures/chromium.js';
import { openDashboard, seriousViolations } from './test-fixtures/dashboard-browser.js';
import { checkoutBody, postCheckout, settledStatus, startTestApp, type TestApp } from './test-fixtures/test-app.js';

const SECRET = 'a dashboard test secret long enough for HS256';
const POLL = { timeout: 15_000, interval: 50 };

/** A token of `permissions` for every namespace, valid for five minutes. */
const tokenOf = (permissions: string[]) =>
  new SignJWT({ permissions, namespaces: ['*'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('viewer@example.com')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));

const READ_ONLY = ['tasks:read', 'templates:read', 'analytics:read', 'events:read'];
const OPERATOR = [...READ_ONLY, 'tasks:retry', 'tasks:cancel', 'steps:resolve', 'workers:read'];

describe('the dashboard with authentication on', () => {
  let test: TestApp;
  let chromium: TestBrowser;
  let failedTaskId: string;

  beforeAll(async () => {
    test = await startTestApp({ taskerAuth: { secret: SECRET } });
    chromium = await launchChromium();
    failedTaskId = (await postCheckout(test.url, checkoutBody('tok_insufficient_funds'))).body.task_id as string;
    expect((await settledStatus(test.url, failedTaskId)).status).toBe('failed');
  }, 30_000);

  afterAll(async () => {
    await chromium?.close();
    await test?.close();
  });

  afterEach(async () => {
    for (const page of chromium.context.pages()) await page.close();
  });

  /** Signs in on the sign-in form with a token of `permissions`, then opens the failed task's page in that tab. */
  const signInAndOpenFailedTask = async (page: Page, permissions: string[]) => {
    await page.getByLabel('Bearer token (JWT)').fill(await tokenOf(permissions));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('main h1').textContent(), POLL).toBe('Tasks');
    await expect.poll(() => page.locator('.live').textContent(), POLL).toBe('live');
    await page.locator(`tr[data-task="${failedTaskId}"] a`).click();
    await expect
      .poll(() => page.locator('.dag-node[data-step="process_payment"]').getAttribute('data-state'), POLL)
      .toBe('failed');
    await page.locator('.dag-node[data-step="process_payment"]').click();
    await expect.poll(() => page.locator('#drawer-title').textContent(), POLL).toBe('process_payment');
  };

  it('asks for a token, and shows a read-only token no action button', async () => {
    const { page, errors } = await openDashboard(chromium.context, `${test.url}/tasker/ui/`);
    await expect.poll(() => page.getByLabel('Bearer token (JWT)').count(), POLL).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await screenshot(page, 'dashboard-sign-in-desktop')).toBeGreaterThan(5_000);

    await signInAndOpenFailedTask(page, READ_ONLY);
    expect(await page.getByRole('button', { name: 'Retry task' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel task' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Resolve step' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("shows an operator's token the actions its permissions allow on the same task", async () => {
    const { page, errors } = await openDashboard(chromium.context, `${test.url}/tasker/ui/`);
    await signInAndOpenFailedTask(page, OPERATOR);
    expect(await page.getByRole('button', { name: 'Retry task' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Resolve step' }).count()).toBe(1);
    // A failed task cannot be cancelled: the button is not offered.
    expect(await page.getByRole('button', { name: 'Cancel task' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
