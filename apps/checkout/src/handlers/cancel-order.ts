import { CompensationHandler, type CompensationContext, type JsonObject } from '@tasker/core';
import type { Knex } from 'knex';
import { cancelOrderOfTask } from '../database/orders.js';

/**
 * Undoes `create_order`: a checkout cancelled after its order was recorded (while the confirmation is sent, say)
 * marks the order cancelled, so that the books show its charge refunded instead of an order standing beside a refund.
 */
export class CancelOrderHandler extends CompensationHandler {
  constructor(private readonly db: Knex) {
    super();
  }

  async compensate(ctx: CompensationContext): Promise<JsonObject> {
    const order = await cancelOrderOfTask(this.db, ctx.task.id);
    return order ? { cancelled: true, order_id: order.id } : { cancelled: false };
  }
}
