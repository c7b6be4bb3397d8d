import { createStoreFromUrl, redactUrl, type Engine, type TaskStore } from '@tasker/core';
import { createKnexStore } from '@tasker/store-knex';
import type { Telemetry } from '@tasker/telemetry';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { createCheckoutEngine } from './checkout-engine.js';
import type { CheckoutConfig } from './config/checkout-config.js';
import { migrateShop } from './database/migrations/migrate-shop.js';
import { openDatabase, type ShopDatabase } from './database/open-database.js';
import { seedProducts } from './database/seed-products.js';
import { buildServer } from './http/build-server.js';
import { CheckoutMonitor } from './monitor/checkout-monitor.js';
import { ServiceSimulation } from './services/service-simulation.js';

/** The running pieces of the checkout app. */
export interface CheckoutApp {
  server: FastifyInstance;
  engine: Engine;
  database: ShopDatabase;
  monitor: CheckoutMonitor;
  logger: Logger;
  /** Where the engine keeps its tasks, for logs. */
  taskStoreLocation: string;
  /**
   * Ends the live streams, stops listening and stops the engine at once (running steps get up to `gracePeriodMs`,
   * then whatever the store did not commit is left to the next worker), then closes every connection.
   */
  close(options?: { gracePeriodMs?: number }): Promise<void>;
}

/** What tests and tools may set beyond the configuration. */
export interface CheckoutAppOptions {
  logger?: Logger;
  /**
   * Running telemetry (`startTelemetry`, once per process): traces, metrics at `/tasker/metrics` and a log line per
   * transition. None when absent.
   */
  telemetry?: Telemetry;
}

async function openTaskStore(config: CheckoutConfig, database: ShopDatabase): Promise<[TaskStore, string]> {
  const { redisUrl, redisPrefix } = config.storage;
  if (redisUrl) {
    // The engine's tasks go to Redis; the app's tables stay in the SQL database.
    const store = await createStoreFromUrl(redisUrl, { prefix: redisPrefix });
    return [store, `${redactUrl(redisUrl)} (keys ${redisPrefix}*)`];
  }
  // The engine's tables share the app's connection pool (and SQLite's one connection) rather than opening their own.
  return [createKnexStore(database.knex), database.location];
}

/**
 * Builds the checkout app: opens the database, migrates and seeds the shop's tables, creates the engine on the
 * configured store with the seed's template and handlers, subscribes the CheckoutMonitor, and starts the engine.
 * The server is built but not listening: call `server.listen`.
 */
export async function createCheckoutApp(
  config: CheckoutConfig,
  options: CheckoutAppOptions = {},
): Promise<CheckoutApp> {
  const logger = options.logger ?? options.telemetry?.logger ?? pino({ level: config.logLevel });
  const database = openDatabase(config.storage, logger);
  await migrateShop(database.knex);
  await seedProducts(database.knex);
  const [store, taskStoreLocation] = await openTaskStore(config, database);
  const simulation = new ServiceSimulation(config.simulation);
  const engine = await createCheckoutEngine(
    {
      db: database.knex,
      simulation,
      paymentTimeouts: config.paymentTimeouts,
      review: config.review,
      templatesDir: config.templatesDir,
      salesSummaryCron: config.salesSummaryCron,
    },
    {
      ...options.telemetry?.engineOptions,
      store,
      logger,
      concurrency: config.concurrency,
      workerId: config.workerId,
      defaults: { backoff: { baseMs: config.retryBackoffBaseMs } },
    },
  );
  const stopInstrumenting = options.telemetry?.instrument(engine);
  const monitor = new CheckoutMonitor(logger);
  const unsubscribeMonitor = monitor.subscribe(engine);
  const server = buildServer({
    engine,
    db: database.knex,
    logger,
    monitor,
    paymentsInFlight: simulation.paymentsInFlight,
    taskerAuth: config.taskerAuth,
    ...(config.traceUrl === undefined ? {} : { traceUrl: config.traceUrl }),
    checkoutRateLimit: config.checkoutRateLimit,
    storeTimeoutMs: config.storeTimeoutMs,
    ...(options.telemetry ? { metrics: options.telemetry.metrics } : {}),
  });
  await engine.start();
  return {
    server,
    engine,
    database,
    monitor,
    logger,
    taskStoreLocation,
    async close(closeOptions = {}) {
      // Closing the server first ends the live streams and stops listening; the engine stops meanwhile, so that
      // requests still being answered do not keep it claiming tasks, and a store that is down cannot hold it.
      const serverClosed = server.close();
      await engine.stop(closeOptions);
      await serverClosed;
      unsubscribeMonitor();
      stopInstrumenting?.();
      await store.close();
      await database.knex.destroy();
    },
  };
}
