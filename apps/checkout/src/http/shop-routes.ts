import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { listProducts } from '../database/products.js';
import type { CheckoutMonitor } from '../monitor/checkout-monitor.js';
import type { InFlightGauge } from '../services/in-flight-gauge.js';

/**
 * `GET /products` (the storefront's catalogue with stock) and `GET /stats` (what the CheckoutMonitor counted, and the
 * most payments the processor saw in flight at once per merchant).
 */
export function shopRoutes(
  app: FastifyInstance,
  db: Knex,
  monitor: CheckoutMonitor,
  paymentsInFlight: InFlightGauge,
): void {
  app.get('/products', async () => ({
    products: (await listProducts(db)).map((product) => ({
      id: product.id,
      name: product.name,
      price: product.priceCents / 100,
      stock: product.stock,
    })),
  }));
  app.get('/stats', async () => ({
    completed_checkouts: monitor.completedCheckouts,
    payment_failures: monitor.paymentFailures,
    peak_payments_in_flight_by_merchant: paymentsInFlight.peaks(),
  }));
}
