import type { Engine } from '@tasker/core';
import { taskerApi, type AuthOptions } from '@tasker/http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { CheckoutMonitor } from '../monitor/checkout-monitor.js';
import { checkoutRoute } from './checkout-route.js';
import { answerErrors } from './error-status.js';
import { orderEventsRoute } from './order-events-route.js';
import { orderStatusRoute } from './order-status-route.js';
import { shopRoutes } from './shop-routes.js';
import { storefrontRoute } from './storefront-route.js';
import { TaskEventFeed } from './task-event-feed.js';

/** What the HTTP server serves. */
export interface ServerParts {
  engine: Engine;
  db: Knex;
  logger: Logger;
  monitor: CheckoutMonitor;
  taskerAuth: AuthOptions;
  /** Prometheus text of the engine's metrics, served at `/tasker/metrics` when given. */
  metrics?: () => Promise<string>;
}

/**
 * The checkout's fastify server: the storefront, the seed's checkout and order routes, the live order stream, and
 * Tasker's REST API under `/tasker`.
 */
export function buildServer(parts: ServerParts): FastifyInstance {
  // Request lines would drown the story in polling; routes log what matters (a checkout accepted, a failure).
  const app = Fastify({
    loggerInstance: parts.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  const feed = new TaskEventFeed(parts.engine);
  app.addHook('onClose', async () => feed.close());
  answerErrors(app);
  storefrontRoute(app);
  shopRoutes(app, parts.db, parts.monitor);
  checkoutRoute(app, parts.engine);
  orderStatusRoute(app, parts.engine, parts.db);
  orderEventsRoute(app, parts.engine, feed);
  void app.register(taskerApi, {
    engine: parts.engine,
    prefix: '/tasker',
    auth: parts.taskerAuth,
    ...(parts.metrics ? { metrics: parts.metrics } : {}),
  });
  return app;
}
