/**
 * The checkout service: `npm start` runs it on port 3000 with a SQLite file and the demo's products. Environment
 * variables (see `configFromEnvironment`) switch it to PostgreSQL or Redis, inject faults, and send traces and
 * metrics over OTLP (`OTEL_EXPORTER_OTLP_ENDPOINT`, as docker-compose.yml sets for Jaeger). A failed start prints
 * what went wrong to stderr (see `describeStartupError`) and exits with status 1.
 */
import { startTelemetry } from '@tasker/telemetry';
import { pino } from 'pino';
import { createCheckoutApp } from './checkout-app.js';
import { configFromEnvironment } from './config/checkout-config.js';
import { describeStartupError } from './startup-error.js';
import { exitOnSignals } from './exit-on-signals.js';

/** Reads the configuration, starts telemetry, builds the app and listens. */
async function start() {
  const config = configFromEnvironment();
  const telemetry = startTelemetry({
    serviceName: process.env.OTEL_SERVICE_NAME || 'tasker-checkout',
    logger: pino({ level: config.logLevel }),
  });
  const app = await createCheckoutApp(config, { telemetry });
  const address = await app.server.listen({ host: config.host, port: config.port });
  return { config, telemetry, app, address };
}

/** A failed start says what went wrong in a few lines (no stack for the errors the app knows) and exits 1. */
function exitOnStartupError(error: unknown): never {
  process.stderr.write(`The checkout app could not start:\n${describeStartupError(error, process.env)}\n`);
  process.exit(1);
}

const { config, telemetry, app, address } = await start().catch(exitOnStartupError);
app.logger.info(
  {
    tasks: app.taskStoreLocation,
    shop_tables: app.database.location,
    fault_rate: config.simulation.transientFaultRate,
    tasker_auth: 'disabled' in config.taskerAuth ? 'off' : 'HS256 bearer tokens',
  },
  `Checkout storefront on ${address}, Tasker's REST API on ${address}/tasker`,
);

exitOnSignals(app, config.stopGracePeriodMs, () => telemetry.shutdown());
