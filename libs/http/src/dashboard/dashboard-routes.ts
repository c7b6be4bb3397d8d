import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { dashboardAssetsDir } from '@tasker/dashboard';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { ApiError } from '../errors/api-error.js';
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
    // Only in a checkout of the repository that never built the dashboard (a published package holds its assets):
    // the API works without it, and `/ui` says what to do.
    const message = `The dashboard's assets are not built (no ${indexFile}): run npx nx run @tasker/dashboard:build`;
    app.log.warn(message);
    const notBuilt = async () => {
      throw new ApiError('NOT_FOUND', message);
    };
    app.get('/ui', { schema: { hide: true } }, notBuilt);
    app.get('/ui/*', { schema: { hide: true } }, notBuilt);
    return;
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
  app.get('/ui', { schema: { hide: true } }, sendIndex);
  app.get('/ui/*', { schema: { hide: true } }, sendIndex);
};
