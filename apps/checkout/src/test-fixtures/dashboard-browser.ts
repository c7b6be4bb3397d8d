import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Desktop and phone (390 px, an iPhone's width) viewports. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;

/** A page of the dashboard with every console error and uncaught exception it has had. */
export interface DashboardPage {
  page: Page;
  errors: string[];
}

/** Opens `url` in a new tab at `viewport`, recording console errors and uncaught exceptions from the start. */
export async function openDashboard(
  context: BrowserContext,
  url: string,
  viewport: { width: number; height: number } = VIEWPORTS.desktop,
): Promise<DashboardPage> {
  const page = await context.newPage();
  // An action that cannot happen fails within the test's time, naming the element it waited for.
  page.setDefaultTimeout(8_000);
  await page.setViewportSize(viewport);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return { page, errors };
}

/** How wide the page's content is, in CSS pixels: wider than the viewport means it scrolls sideways. */
export async function contentWidth(page: Page): Promise<number> {
  return (await page.evaluate('document.documentElement.scrollWidth')) as number;
}

/** Which element has the focus, by its text. */
export async function focusedText(page: Page): Promise<string> {
  return (await page.evaluate('document.activeElement?.textContent ?? ""')) as string;
}

/**
 * The serious and critical accessibility violations axe-core finds on the page, as `rule: target` lines. axe is
 * evaluated through the DevTools protocol, which the page's Content-Security-Policy (scripts from 'self' only)
 * does not apply to.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate('axe.run().then((result) => result.violations)')) as Array<{
    id: string;
    impact: string;
    nodes: Array<{ target: unknown[] }>;
  }>;
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${JSON.stringify(node.target)}`));
}
