import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { dashboardAssetsDir } from '@tasker/dashboard';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { indexPage, type PageConfig } from './index-page.js';

/**
 * The page's own scripts and styles only; inline styles for the charts' and graphs' sizes; the API on this origin.
 * A trace link opens another site, which `default-src` does not restrict.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/**
 * The operator dashboard (`@tasker/dashboard`'s built assets) at `/ui`: content-hashed files under `/ui/assets/`
 * cached for a year as immutable, and index.html, never cached so a new release is picked up at once, for `/ui` and
 * every path below it that is not an asset (the app routes in the browser). The page holds no data: it needs no
 * token, and every call it makes goes through the API's own checks.
 */
export const dashboardRoutes: FastifyPluginAsync<PageConfig> = async (app, config) => {
  const indexFile = join(dashboardAssetsDir, 'index.html');
  if (!existsSync(indexFile)) {
    throw new Error(
      `taskerApi: the dashboard's assets are missing (${indexFile}); build @tasker/dashboard, or pass dashboard: false`,
    );
  }
  const html = indexPage(readFileSync(indexFile, 'utf8'), config);

  await app.register(fastifyStatic, {
    root: join(dashboardAssetsDir, 'assets'),
    prefix: '/ui/assets/',
    decorateReply: false,
    index: false,
    cacheControl: true,
    maxAge: '365d',
    immutable: true,
  });

  const sendIndex = async (_request: unknown, reply: FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .send(html);
  const schema = { hide: true };
  app.get('/ui', { schema }, sendIndex);
  app.get('/ui/*', { schema }, sendIndex);
};
