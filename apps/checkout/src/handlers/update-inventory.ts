import { StepHandler, type StepContext } from '@tasker/core';
import type { InventoryService } from '../services/inventory-service.js';
import { asStepError } from './as-step-error.js';
import type { ValidatedCart } from './checkout-context.js';

/** Takes the ordered items out of stock, once however often the step runs. */
export class UpdateInventoryHandler extends StepHandler {
  constructor(private readonly inventory: InventoryService) {
    super();
  }

  async process(ctx: StepContext) {
    const cart = ctx.results<ValidatedCart>('validate_cart');
    try {
      const { movements } = await this.inventory.reserve({
        items: cart.items.map((item) => ({ productId: item.product_id, quantity: item.quantity })),
        idempotencyKey: ctx.idempotencyKey,
        reference: ctx.task.id,
        signal: ctx.signal,
      });
      return { movements, items_reserved: cart.items.reduce((sum, item) => sum + item.quantity, 0) };
    } catch (error) {
      throw asStepError(error, 'Inventory update failed', 'Inventory temporarily unavailable');
    }
  }
}
