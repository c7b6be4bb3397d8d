/**
 * The checkout service: `npm start` runs it on port 3000 with a SQLite file and the demo's products. Environment
 * variables (see `configFromEnvironment`) switch it to PostgreSQL or Redis and inject faults.
 */
import { createCheckoutApp } from './checkout-app.js';
import { configFromEnvironment } from './config/checkout-config.js';

const config = configFromEnvironment();
const app = await createCheckoutApp(config);
const address = await app.server.listen({ host: config.host, port: config.port });
app.logger.info(
  {
    tasks: app.taskStoreLocation,
    shop_tables: app.database.location,
    fault_rate: config.simulation.transientFaultRate,
  },
  `Checkout storefront on ${address} (REST API under /tasker when mounted)`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'Stopping: finishing running steps');
    void app.close({ gracePeriodMs: 10_000 }).then(() => process.exit(0));
  });
}
