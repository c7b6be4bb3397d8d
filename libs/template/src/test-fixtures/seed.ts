import { readFileSync } from 'node:fs';
import { TaskHandler, type CompensationContext, type Engine, type HandlerRegistration } from '@tasker/core';
import { fileURLToPath } from 'node:url';

/** The seed's order processing template, as users write it. */
export const SEED_FILE = fileURLToPath(
  new URL('../../../../config/tasker/tasks/ecommerce/order_processing_handler.yaml', import.meta.url),
);

/** The seed's YAML text. */
export const SEED_YAML = readFileSync(SEED_FILE, 'utf8');

/** The step handler names the seed's template uses, each as `Ecommerce::StepHandlers::<Name>Handler`. */
const SEED_STEPS = ['ValidateCart', 'ProcessPayment', 'UpdateInventory', 'CreateOrder', 'SendConfirmation'];

/** The compensation handlers the seed's template names under `compensate:`. */
export const SEED_COMPENSATIONS = ['RefundPayment', 'RestockInventory', 'CancelOrder'];

/**
 * Registers every handler the seed's template names on `engine`: `steps` by their full name where a test needs real
 * ones, a no-op for the rest; no-op compensations; the task handler `taskHandler` (a bare `TaskHandler` when absent).
 */
export function registerSeedHandlers(
  engine: Engine,
  steps: Record<string, HandlerRegistration> = {},
  taskHandler: HandlerRegistration = class OrderProcessingHandler extends TaskHandler {},
): Engine {
  for (const name of SEED_STEPS) {
    const fullName = `Ecommerce::StepHandlers::${name}Handler`;
    engine.registerHandler(fullName, steps[fullName] ?? (() => ({})));
  }
  for (const name of SEED_COMPENSATIONS) engine.registerHandler(name, async (_ctx: CompensationContext) => null);
  return engine.registerHandler('Ecommerce::OrderProcessingHandler', taskHandler);
}
