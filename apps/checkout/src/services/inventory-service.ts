import type { Knex } from 'knex';
import { quantityPerProduct, type ProductQuantity } from './quantity-per-product.js';
import { ServiceError } from './service-error.js';
import type { ServiceCall, ServiceSimulation } from './service-simulation.js';

/** Items to take out of stock. */
export interface ReserveRequest extends ServiceCall {
  items: readonly ProductQuantity[];
}

/** A reservation to undo: the idempotency key it was made with. */
export interface RestockRequest extends ServiceCall {
  reservationKey: string;
}

const SERVICE = 'inventory service';

/**
 * A simulated inventory service over the `products` and `inventory_movements` tables: a reservation takes every item
 * out of stock and writes one sale movement per product, in one transaction; a restock reverses a reservation with
 * one movement per product it took. A repeated idempotency key finds its movements (unique per key and product) and
 * moves nothing again.
 *
 * Both change products in ascending id, so the row locks of two carts naming the same products in different orders
 * are taken in one order and cannot deadlock.
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
        // First: a racing call with the key waits here for this one's commit, then finds its movements below.
        if ((await claimReservation(trx, request.idempotencyKey, 'reserved')) === 'voided') {
          throw new ServiceError(SERVICE, 'reservation refused: it was voided when its checkout was compensated', {
            transient: false,
          });
        }
        const earlier = await movementsOf(trx, request.idempotencyKey);
        if (earlier.length > 0) return { movements: earlier.length };
        const products = quantityPerProduct(request.items);
        for (const { productId, quantity } of products) {
          const updated = await trx('products')
            .where({ id: productId })
            .andWhere('stock', '>=', quantity)
            .decrement('stock', quantity);
          if (updated === 0) {
            throw new ServiceError(SERVICE, `insufficient stock of product ${productId}`, { transient: false });
          }
        }
        await insertMovements(
          trx,
          request,
          'sale',
          products.map(({ productId, quantity }) => ({ productId, quantity: -quantity })),
        );
        return { movements: products.length };
      }),
    );
  }

  /**
   * Puts back what the reservation made with `reservationKey` took, as `return` movements. A reservation that never
   * happened restocks nothing, and is refused if it arrives later (an aborted attempt's, still on its way).
   * @returns the movements of the restock (0 when there was nothing to put back).
   */
  restock(request: RestockRequest): Promise<{ movements: number }> {
    return this.#simulation.run(SERVICE, request, () =>
      this.#db.transaction(async (trx) => {
        const earlier = await movementsOf(trx, request.idempotencyKey);
        if (earlier.length > 0) return { movements: earlier.length };
        // Waits for a reservation in flight under the key to commit; none: the key is voided, nothing was taken.
        if ((await claimReservation(trx, request.reservationKey, 'voided')) === 'voided') return { movements: 0 };
        const taken = quantityPerProduct(
          (await movementsOf(trx, request.reservationKey)).map((movement) => ({
            productId: movement.productId,
            quantity: -movement.quantity,
          })),
        );
        for (const { productId, quantity } of taken)
          await trx('products').where({ id: productId }).increment('stock', quantity);
        await insertMovements(trx, request, 'return', taken);
        return { movements: taken.length };
      }),
    );
  }
}

/**
 * Writes the row of reservation `key` as `state` unless it has one, and answers the state that stands. On
 * PostgreSQL the insert waits for a transaction that wrote the row and has not committed yet, so the two callers
 * of a key are served one after the other.
 */
async function claimReservation(
  trx: Knex.Transaction,
  key: string,
  state: 'reserved' | 'voided',
): Promise<'reserved' | 'voided'> {
  await trx('inventory_reservations')
    .insert({ idempotency_key: key, state, created_at: Date.now() })
    .onConflict('idempotency_key')
    .ignore();
  const row = (await trx('inventory_reservations').where({ idempotency_key: key }).first('state')) as {
    state: 'reserved' | 'voided';
  };
  return row.state;
}

/** The movements written with `idempotencyKey`, each as the product and its quantity delta. */
async function movementsOf(trx: Knex.Transaction, idempotencyKey: string): Promise<ProductQuantity[]> {
  const rows = await trx('inventory_movements')
    .where({ idempotency_key: idempotencyKey })
    .select('product_id', 'quantity_delta');
  return rows.map((row) => ({ productId: Number(row.product_id), quantity: Number(row.quantity_delta) }));
}

/** Writes one movement of `reason` per product, `quantity` being its signed delta. */
async function insertMovements(
  trx: Knex.Transaction,
  call: ServiceCall,
  reason: 'sale' | 'return',
  deltas: readonly ProductQuantity[],
): Promise<void> {
  if (deltas.length === 0) return;
  const now = Date.now();
  await trx('inventory_movements').insert(
    deltas.map(({ productId, quantity }) => ({
      product_id: productId,
      quantity_delta: quantity,
      reason,
      idempotency_key: call.idempotencyKey,
      reference: call.reference,
      created_at: now,
    })),
  );
}
