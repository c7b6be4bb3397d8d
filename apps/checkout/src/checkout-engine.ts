import { createEngine, systemClock, type Engine, type EngineOptions } from '@tasker/core';
import { loadTemplates, registerTemplates, semverResolver } from '@tasker/template';
import type { Knex } from 'knex';
import type { PaymentTimeouts } from './config/checkout-config.js';
import { CancelOrderHandler } from './handlers/cancel-order.js';
import { ChooseShippingHandler } from './handlers/choose-shipping.js';
import { ShipOrderHandler } from './handlers/ship-order.js';
import { CreateOrderHandler } from './handlers/create-order.js';
import { OrderProcessingHandler } from './handlers/order-processing-handler.js';
import { ProcessPaymentHandler } from './handlers/process-payment.js';
import { RefundPaymentHandler } from './handlers/refund-payment.js';
import { RestockInventoryHandler } from './handlers/restock-inventory.js';
import { SendConfirmationHandler } from './handlers/send-confirmation.js';
import { UpdateInventoryHandler } from './handlers/update-inventory.js';
import { ValidateCartHandler } from './handlers/validate-cart.js';
import { ReviewOrderHandler, type ReviewPolicy } from './handlers/review-order.js';
import { SummariseSalesHandler } from './handlers/summarise-sales.js';
import { SALES_SUMMARY_TEMPLATE, SUMMARISE_SALES_HANDLER, salesSummarySchedule } from './sales-summary-template.js';
import { InventoryService } from './services/inventory-service.js';
import { Mailer } from './services/mailer.js';
import { PaymentProcessor } from './services/payment-processor.js';
import type { ServiceSimulation } from './services/service-simulation.js';

/** What the checkout's handlers work with. */
export interface CheckoutEngineParts {
  /** The shop's database (products, orders, payments, inventory movements, sent emails). */
  db: Knex;
  simulation: ServiceSimulation;
  paymentTimeouts: PaymentTimeouts;
  /** Which orders wait for a fraud review (`review_order`, template 1.1.0), and for how long at most. */
  review: ReviewPolicy;
  /** The folder of YAML task templates to load. */
  templatesDir: string;
  /** When the nightly sales summary runs (cron, UTC, seconds first allowed). */
  salesSummaryCron: string;
}

/**
 * The engine with the seed's `ecommerce/process_order` template (1.0.0 as the seed had it; 1.1.0 with the fraud review
 * of large orders, `review_order`; 1.2.0 with shipping chosen by a decision step and a confirmation to each recipient,
 * a map step), its step handlers, its task handler and the
 * compensations of the payment (`RefundPayment`), the inventory update (`RestockInventory`) and the order
 * (`CancelOrder`); and the nightly sales summary (`reports/sales_summary`), scheduled at `salesSummaryCron`.
 */
export async function createCheckoutEngine(parts: CheckoutEngineParts, options: EngineOptions = {}): Promise<Engine> {
  const { db, simulation } = parts;
  const payments = new PaymentProcessor(db, simulation);
  const inventory = new InventoryService(db, simulation);
  const clock = options.clock ?? systemClock;
  const engine = createEngine({ resolveVersion: semverResolver, ...options })
    .registerHandler('Ecommerce::OrderProcessingHandler', new OrderProcessingHandler(parts.paymentTimeouts))
    .registerHandler('Ecommerce::StepHandlers::ValidateCartHandler', new ValidateCartHandler(db))
    .registerHandler('Ecommerce::StepHandlers::ReviewOrderHandler', new ReviewOrderHandler(parts.review))
    .registerHandler('Ecommerce::StepHandlers::ProcessPaymentHandler', new ProcessPaymentHandler(payments))
    .registerHandler('Ecommerce::StepHandlers::UpdateInventoryHandler', new UpdateInventoryHandler(inventory))
    .registerHandler('Ecommerce::StepHandlers::CreateOrderHandler', new CreateOrderHandler(db))
    .registerHandler(
      'Ecommerce::StepHandlers::SendConfirmationHandler',
      new SendConfirmationHandler(new Mailer(db, simulation)),
    )
    .registerHandler('Ecommerce::StepHandlers::ChooseShippingHandler', new ChooseShippingHandler())
    .registerHandler('Ecommerce::StepHandlers::ShipOrderHandler', new ShipOrderHandler())
    .registerHandler('RefundPayment', new RefundPaymentHandler(payments))
    .registerHandler('RestockInventory', new RestockInventoryHandler(inventory))
    .registerHandler('CancelOrder', new CancelOrderHandler(db))
    .registerHandler(SUMMARISE_SALES_HANDLER, new SummariseSalesHandler(db, () => clock.now()));
  registerTemplates(engine, await loadTemplates(parts.templatesDir));
  engine.registerTemplate(SALES_SUMMARY_TEMPLATE);
  // Every replica declares the schedule; the store keeps one, which fires once a night whichever replica finds it.
  await engine.schedule(salesSummarySchedule(parts.salesSummaryCron));
  return engine;
}
