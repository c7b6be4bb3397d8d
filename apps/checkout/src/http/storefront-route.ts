import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const STOREFRONT = readFileSync(new URL('../public/index.html', import.meta.url), 'utf8');

/** `GET /`: the storefront, one static page that talks to the routes above. */
export function storefrontRoute(app: FastifyInstance): void {
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(STOREFRONT));
}
