import { CompensationHandler, type CompensationContext } from '@tasker/core';
import type { InventoryService } from '../services/inventory-service.js';
import { asStepError } from './as-step-error.js';

/**
 * Undoes `update_inventory`: puts back what the reservation made with the step's idempotency key took, as reversing
 * ledger movements. A reservation that never happened puts back nothing.
 */
export class RestockInventoryHandler extends CompensationHandler {
  constructor(private readonly inventory: InventoryService) {
    super();
  }

  async compensate(ctx: CompensationContext) {
    try {
      const { movements } = await this.inventory.restock({
        reservationKey: `${ctx.task.id}:${ctx.step.name}`,
        idempotencyKey: ctx.idempotencyKey,
        reference: ctx.task.id,
        signal: ctx.signal,
      });
      return { restocked: movements > 0, movements };
    } catch (error) {
      throw asStepError(error, 'Restock failed', 'Inventory temporarily unavailable');
    }
  }
}
