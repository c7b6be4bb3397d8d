import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const STOREFRONT = readFileSync(new URL('../public/index.html', import.meta.url), 'utf8');
const SHOP_CSS = readFileSync(new URL('../public/shop.css', import.meta.url), 'utf8');

/** `GET /`: the storefront, one static page that talks to the routes above; `GET /shop.css`: the look its pages share. */
export function storefrontRoute(app: FastifyInstance): void {
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(STOREFRONT));
  app.get('/shop.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(SHOP_CSS));
}
