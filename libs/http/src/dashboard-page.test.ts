import { createMemoryStore } from '@tasker/core';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { taskerApi } from './index.js';
import { startApi, TEST_SECRET, type ApiHarness } from './test-fixtures/api-harness.js';

let api: ApiHarness | undefined;

afterEach(async () => {
  await api?.close();
  api = undefined;
});

const get = (path: string) => api!.call({ method: 'GET', url: path }, null);

/** The page's configuration, as the dashboard reads it from its meta tag. */
function configOf(html: string): unknown {
  const content = /<meta name="tasker-dashboard" content="([^"]+)"/.exec(html)?.[1] ?? '';
  return JSON.parse(
    content
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
}

describe('the dashboard at <prefix>/ui', () => {
  it('serves index.html, with its base and configuration and no caching, for the root and any deep link', async () => {
    api = await startApi(createMemoryStore(), { dashboard: { traceUrl: 'http://jaeger:16686/trace/{traceId}' } });
    for (const path of ['/tasker/ui', '/tasker/ui/', '/tasker/ui/tasks/0190c7a2-8f3e-7b1d-9c4a-2e5f6a7b8c9d']) {
      const page = await get(path);
      expect(page.statusCode, path).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect(page.body).toContain('<base href="/tasker/ui/" />');
      expect(configOf(page.body)).toEqual({
        apiBase: '/tasker',
        auth: true,
        traceUrl: 'http://jaeger:16686/trace/{traceId}',
      });
    }
  });

  it('serves every hashed asset the page references as immutable for a year, and 404 for one that is not there', async () => {
    api = await startApi(createMemoryStore());
    const page = await get('/tasker/ui/tasks');
    const assets = [...page.body.matchAll(/\s(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const file = await get(`/tasker/ui/${asset}`);
      expect(file.statusCode, asset).toBe(200);
      expect(file.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    const missing = await get('/tasker/ui/assets/index-00000000.js');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('tells the page that auth is off when it is', async () => {
    api = await startApi(createMemoryStore(), { auth: { disabled: true } });
    expect(configOf((await get('/tasker/ui')).body)).toEqual({ apiBase: '/tasker', auth: false, traceUrl: null });
  });

  it('is not served with dashboard: false', async () => {
    api = await startApi(createMemoryStore(), { dashboard: false });
    expect((await get('/tasker/ui')).statusCode).toBe(404);
    expect((await get('/tasker/ui/tasks')).statusCode).toBe(404);
  });

  it('refuses a trace link without a place for the id, naming the option', async () => {
    const app = Fastify();
    await expect(
      app.register(taskerApi, {
        engine: createMemoryStore() as never,
        auth: { secret: TEST_SECRET },
        dashboard: { traceUrl: 'http://jaeger:16686/trace/' },
      }),
    ).rejects.toThrow('dashboard.traceUrl must be an http(s) URL with {traceId} in it');
    await app.close().catch(() => undefined);
  });
});
