import { fileURLToPath } from 'node:url';
import { createEngine, type EngineOptions } from '@tasker/core';
import { loadTemplates, registerTemplates, semverResolver } from '@tasker/template';
import { CreateOrderHandler, SendConfirmationHandler, UpdateInventoryHandler } from './handlers/fulfilment.js';
import { OrderProcessingHandler } from './handlers/order-processing-handler.js';
import { ProcessPaymentHandler } from './handlers/process-payment.js';
import { ValidateCartHandler } from './handlers/validate-cart.js';
import { Catalog, demoProducts } from './services/catalog.js';
import { PaymentProcessor } from './services/payment-processor.js';

/** Where the app's task templates live: the repository's `config/tasker/tasks`. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../../config/tasker/tasks', import.meta.url));

/** The engine with the seed's templates and handlers, and the simulated services behind them. */
export async function createCheckoutEngine(options: EngineOptions = {}) {
  const catalog = new Catalog(demoProducts);
  const payments = new PaymentProcessor();
  const mailer = new SendConfirmationHandler();
  const engine = createEngine({ resolveVersion: semverResolver, ...options })
    .registerHandler('Ecommerce::OrderProcessingHandler', OrderProcessingHandler)
    .registerHandler('Ecommerce::StepHandlers::ValidateCartHandler', new ValidateCartHandler(catalog))
    .registerHandler('Ecommerce::StepHandlers::ProcessPaymentHandler', new ProcessPaymentHandler(payments))
    .registerHandler('Ecommerce::StepHandlers::UpdateInventoryHandler', new UpdateInventoryHandler(catalog))
    .registerHandler('Ecommerce::StepHandlers::CreateOrderHandler', new CreateOrderHandler())
    .registerHandler('Ecommerce::StepHandlers::SendConfirmationHandler', mailer);
  registerTemplates(engine, await loadTemplates(TEMPLATES_DIR));
  return { engine, catalog, payments, mailer };
}
