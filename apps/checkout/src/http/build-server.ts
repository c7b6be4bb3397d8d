import type { InFlightGauge } from '../services/in-flight-gauge.js';
import type { Engine } from '@tasker/core';
import { ApiError, taskerApi, taskerFrameworkErrors, withinStoreTimeout, type AuthOptions } from '@tasker/http';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { CheckoutMonitor } from '../monitor/checkout-monitor.js';
import { checkoutRoute } from './checkout-route.js';
import { answerErrors } from './error-status.js';
import { orderEventsRoute } from './order-events-route.js';
import { orderStatusRoute } from './order-status-route.js';
import { reviewRoutes } from './review-routes.js';
import { shopRoutes } from './shop-routes.js';
import type { StoreWait } from './store-wait.js';
import { storefrontRoute } from './storefront-route.js';
import { TaskEventFeed } from './task-event-feed.js';

/** What the HTTP server serves. */
export interface ServerParts {
  engine: Engine;
  db: Knex;
  logger: Logger;
  monitor: CheckoutMonitor;
  /** The payment processor's charges in flight per merchant, for `GET /stats`. */
  paymentsInFlight: InFlightGauge;
  taskerAuth: AuthOptions;
  /** Where the dashboard links a task's trace id (`{traceId}` marks its place); the id is shown as text without it. */
  traceUrl?: string;
  /** Checkouts one client (by IP) may start per window; `false`: no limit. */
  checkoutRateLimit: { max: number; timeWindowMs: number } | false;
  /** How long a request waits on the task store before answering 503 `STORE_UNAVAILABLE`. */
  storeTimeoutMs: number;
  /** Prometheus text of the engine's metrics, served at `/tasker/metrics` when given. */
  metrics?: () => Promise<string>;
}

/**
 * The checkout's fastify server: the storefront, the seed's checkout and order routes, the live order stream, and
 * Tasker's REST API under `/tasker` with its operator dashboard at `/tasker/ui`.
 */
export function buildServer(parts: ServerParts): FastifyInstance {
  // Request lines would drown the story in polling; routes log what matters (a checkout accepted, a failure).
  const app = Fastify({
    loggerInstance: parts.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // A malformed URL is refused before any route: in the API's error format too.
    frameworkErrors: taskerFrameworkErrors,
  });
  const feed = new TaskEventFeed(parts.engine);
  const storeWait: StoreWait = (work) => withinStoreTimeout(work, parts.storeTimeoutMs);
  app.addHook('onClose', async () => feed.close());
  answerErrors(app);
  storefrontRoute(app);
  shopRoutes(app, parts.db, parts.monitor, parts.paymentsInFlight);
  // In a scope of its own with the limiter, which must be registered before the routes it limits.
  void app.register(async (scope) => {
    const limit = parts.checkoutRateLimit;
    if (limit) {
      await scope.register(rateLimit, {
        max: limit.max,
        timeWindow: limit.timeWindowMs,
        errorResponseBuilder: (_request, { after }) =>
          new ApiError('RATE_LIMITED', `Too many checkouts; try again in ${after}`),
      });
    }
    checkoutRoute(scope, parts.engine, storeWait);
  });
  orderStatusRoute(app, parts.engine, parts.db, storeWait);
  orderEventsRoute(app, parts.engine, feed, storeWait);
  reviewRoutes(app, parts.engine, storeWait);
  void app.register(taskerApi, {
    engine: parts.engine,
    prefix: '/tasker',
    auth: parts.taskerAuth,
    storeTimeoutMs: parts.storeTimeoutMs,
    dashboard: parts.traceUrl === undefined ? true : { traceUrl: parts.traceUrl },
    ...(parts.metrics ? { metrics: parts.metrics } : {}),
  });
  return app;
}
