import { createMemoryStore } from '@tasker/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';

let api: ApiHarness;
let base: string;

beforeAll(async () => {
  api = await startApi(createMemoryStore());
  base = await api.app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(() => api.close());

/** The URLs of the assets an HTML page references, resolved against the page's URL as a browser resolves them. */
function assetsOf(html: string, pageUrl: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((match) => new URL(match[1]!, pageUrl).toString());
}

describe('the OpenAPI page', () => {
  it.each(['/tasker/docs', '/tasker/docs/'])('at %s loads every asset it references', async (path) => {
    const page = await fetch(`${base}${path}`);
    expect(page.status).toBe(200);
    const assets = assetsOf(await page.text(), page.url);
    expect(assets).toHaveLength(7);
    const statuses = await Promise.all(
      assets.map(async (asset) => [new URL(asset).pathname, (await fetch(asset)).status]),
    );
    expect(statuses).toEqual(assets.map((asset) => [new URL(asset).pathname, 200]));
    // The page's script asks for the document at `<page>/json`, with a slash added when the page's URL lacks one.
    const document = await fetch(`${page.url.replace(/\/?$/, '/')}json`);
    expect(document.status).toBe(200);
    expect(((await document.json()) as { openapi: string }).openapi).toMatch(/^3\./);
  });
});
