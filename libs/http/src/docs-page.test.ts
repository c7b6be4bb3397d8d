import { createMemoryStore } from '@tasker/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './test-fixtures/api-harness.js';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi(createMemoryStore());
});

afterAll(() => api.close());

/** The paths of the assets an HTML page references, resolved against the page's URL as a browser resolves them. */
function assetsOf(html: string, pageUrl: URL): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((match) => new URL(match[1]!, pageUrl).pathname);
}

const get = (path: string) => api.call({ method: 'GET', url: path }, null);

describe('the OpenAPI page', () => {
  it.each(['/tasker/docs', '/tasker/docs/'])('at %s loads every asset it references', async (path) => {
    const page = await get(path);
    expect(page.statusCode).toBe(200);
    const assets = assetsOf(page.body, new URL(path, 'http://localhost'));
    expect(assets).toHaveLength(7);
    const statuses = await Promise.all(assets.map(async (asset) => [asset, (await get(asset)).statusCode]));
    expect(statuses).toEqual(assets.map((asset) => [asset, 200]));
    // The page's script asks for the document at `<page>/json`, with a slash added when the page's URL lacks one.
    const document = await get(`${path.replace(/\/?$/, '/')}json`);
    expect(document.statusCode).toBe(200);
    expect(document.json<{ openapi: string }>().openapi).toMatch(/^3\./);
  });
});
