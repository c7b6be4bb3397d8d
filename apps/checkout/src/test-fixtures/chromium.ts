import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, which `npm test` installs first (tools/services/prepare-tests.sh). */
const CHROMIUM = process.env.TEST_CHROMIUM_BIN || '/usr/bin/chromium';

/** Where screenshots go: a gitignored folder CI can keep. */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts', import.meta.url));

/** A headless Chromium on a fresh profile; `close` closes it and deletes the profile. */
export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts Debian's Chromium headless on a fresh profile, or says how to install it. */
export async function launchChromium(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: run bash tools/services/prepare-tests.sh (as root it installs it)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'checkout-chromium-'));
  // A fresh profile per run; playwright takes it as the persistent context's folder (its --user-data-dir).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Writes a full-page screenshot `<name>.png` to the artefacts folder; answers its size in bytes, to check it. */
export async function screenshot(page: Page, name: string): Promise<number> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return statSync(path).size;
}
