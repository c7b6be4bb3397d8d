import type { Knex } from 'knex';
import { ServiceError } from './service-error.js';
import type { ServiceCall, ServiceSimulation } from './service-simulation.js';

/** Items to take out of stock. */
export interface ReserveRequest extends ServiceCall {
  items: ReadonlyArray<{ productId: number; quantity: number }>;
}

const SERVICE = 'inventory service';

/**
 * A simulated inventory service over the `products` and `inventory_movements` tables: a reservation takes every item
 * out of stock and writes one sale movement per item, in one transaction. A repeated idempotency key finds its
 * movements (unique per key and product) and moves nothing again.
 */
export class InventoryService {
  readonly #db: Knex;
  readonly #simulation: ServiceSimulation;

  constructor(db: Knex, simulation: ServiceSimulation) {
    this.#db = db;
    this.#simulation = simulation;
  }

  /** @returns the movements of the reservation. @throws ServiceError (permanent) when an item is out of stock. */
  reserve(request: ReserveRequest): Promise<{ movements: number }> {
    return this.#simulation.run(SERVICE, request, () =>
      this.#db.transaction(async (trx) => {
        const earlier = await trx('inventory_movements')
          .where({ idempotency_key: request.idempotencyKey })
          .select('id');
        if (earlier.length > 0) return { movements: earlier.length };
        for (const item of request.items) {
          const updated = await trx('products')
            .where({ id: item.productId })
            .andWhere('stock', '>=', item.quantity)
            .decrement('stock', item.quantity);
          if (updated === 0) {
            throw new ServiceError(SERVICE, `insufficient stock of product ${item.productId}`, { transient: false });
          }
        }
        const now = Date.now();
        await trx('inventory_movements').insert(
          request.items.map((item) => ({
            product_id: item.productId,
            quantity_delta: -item.quantity,
            reason: 'sale',
            idempotency_key: request.idempotencyKey,
            reference: request.reference,
            created_at: now,
          })),
        );
        return { movements: request.items.length };
      }),
    );
  }
}
