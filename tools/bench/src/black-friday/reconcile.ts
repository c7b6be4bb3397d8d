import type { Knex } from 'knex';

/** What the shop's tables say about every checkout: counts, and the rows that break a rule (all must be 0). */
export interface Reconciliation {
  charges: number;
  /** Orders that stand (not cancelled). */
  orders: number;
  /** Orders of checkouts cancelled after the order was recorded. */
  cancelledOrders: number;
  refunds: number;
  saleMovements: number;
  /** Movements that put back what a compensated checkout had taken. */
  returnMovements: number;
  emails: number;
  /** Charges that have neither exactly one standing order nor exactly one refund (or have both). */
  chargesWithoutExactlyOneOrderOrRefund: number;
  /**
   * Orders (cancelled ones too) that have no charge of their checkout, or more than one, or point at another
   * checkout's charge.
   */
  ordersWithoutExactlyOneCharge: number;
  /** Checkouts charged more than once. */
  doubleCharges: number;
  /** Refunds of no charge, or of another amount than their charge's. */
  refundsWithoutTheirCharge: number;
  /** Standing orders whose items were not taken out of stock exactly once each (with nothing put back). */
  ordersWithoutExactlyOneStockMove: number;
  /**
   * Checkouts without a standing order whose stock moves do not cancel out (taken and not put back, or put back
   * twice).
   */
  strayStockMoves: number;
  /** Products whose stock is below zero. */
  negativeStock: number;
  /** Products whose stock is not the sum of their movements. */
  productsOffLedger: number;
  /**
   * Standing orders with no confirmation email, or a recipient mailed more than once; cancelled orders with a
   * recipient mailed more than once.
   */
  ordersWithoutOneEmailPerRecipient: number;
}

/** The rules of a {@link Reconciliation}, each of which must count 0 rows. */
export const RECONCILIATION_RULES = [
  'chargesWithoutExactlyOneOrderOrRefund',
  'ordersWithoutExactlyOneCharge',
  'doubleCharges',
  'refundsWithoutTheirCharge',
  'ordersWithoutExactlyOneStockMove',
  'strayStockMoves',
  'negativeStock',
  'productsOffLedger',
  'ordersWithoutOneEmailPerRecipient',
] as const satisfies ReadonlyArray<keyof Reconciliation>;

function countBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1);
  return counts;
}

/** The sum of `quantity` per product over `rows`, without the products it sums to zero. */
function netPerProduct(rows: ReadonlyArray<{ productId: number; quantity: number }>): Map<number, number> {
  const net = new Map<number, number>();
  for (const row of rows) net.set(row.productId, (net.get(row.productId) ?? 0) + row.quantity);
  for (const [productId, quantity] of net) if (quantity === 0) net.delete(productId);
  return net;
}

const sameQuantities = (left: Map<number, number>, right: Map<number, number>) =>
  left.size === right.size && [...left].every(([productId, quantity]) => right.get(productId) === quantity);

/**
 * Checks the shop's tables against each other: every charge exactly one order or exactly one refund, stock moved
 * once per order and put back for every checkout without one, no stock below zero, every stock its ledger, one
 * email per recipient of each order.
 */
export async function reconcile(db: Knex): Promise<Reconciliation> {
  const [payments, orders, refunds, movements, emails, products] = await Promise.all([
    // A void (a refund that found no charge) is no charge.
    db('payments').whereNull('voided_at').select('id', 'reference', 'amount_cents'),
    db('orders').select('id', 'task_id', 'payment_id', 'items', 'cancelled_at'),
    db('refunds').select('payment_id', 'amount_cents'),
    db('inventory_movements').select('product_id', 'quantity_delta', 'reason', 'reference'),
    db('sent_emails').select('order_id', 'recipient'),
    db('products').select('id', 'stock'),
  ]);
  const standing = orders.filter((order) => order.cancelled_at === null);
  const ordersByPayment = countBy(standing, (order) => String(order.payment_id));
  const refundsByPayment = countBy(refunds, (refund) => String(refund.payment_id));
  const chargesByReference = countBy(payments, (payment) => String(payment.reference));
  const paymentById = new Map(payments.map((payment) => [String(payment.id), payment]));
  // A checkout's stock moves (sales and what compensation put back), by its task id.
  const movesByReference = new Map<string, Array<{ productId: number; quantity: number }>>();
  for (const movement of movements) {
    if (movement.reason !== 'sale' && movement.reason !== 'return') continue;
    const reference = String(movement.reference);
    const move = { productId: Number(movement.product_id), quantity: Number(movement.quantity_delta) };
    movesByReference.set(reference, [...(movesByReference.get(reference) ?? []), move]);
  }
  const emailsByOrder = countBy(emails, (email) => String(email.order_id));
  // A checkout mails each of its order's recipients (the customer, the shop's copy) once.
  const mailedTwice = new Set(
    [...countBy(emails, (email) => JSON.stringify([String(email.order_id), String(email.recipient)]))]
      .filter(([, count]) => count > 1)
      .map(([key]) => (JSON.parse(key) as string[])[0]!),
  );
  const ledger = netPerProduct(
    movements.map((movement) => ({
      productId: Number(movement.product_id),
      quantity: Number(movement.quantity_delta),
    })),
  );
  const orderTasks = new Set(standing.map((order) => String(order.task_id)));
  const movedOnce = (order: { task_id: string; items: string }) => {
    const items = JSON.parse(order.items) as Array<{ product_id: number; quantity: number }>;
    const moves = movesByReference.get(order.task_id) ?? [];
    const ordered = netPerProduct(items.map((item) => ({ productId: item.product_id, quantity: -item.quantity })));
    return moves.every((move) => move.quantity < 0) && sameQuantities(netPerProduct(moves), ordered);
  };
  const sales = movements.filter((movement) => movement.reason === 'sale');
  return {
    charges: payments.length,
    orders: standing.length,
    cancelledOrders: orders.length - standing.length,
    refunds: refunds.length,
    saleMovements: sales.length,
    returnMovements: movements.filter((movement) => movement.reason === 'return').length,
    emails: emails.length,
    chargesWithoutExactlyOneOrderOrRefund: payments.filter(
      (payment) =>
        (ordersByPayment.get(String(payment.id)) ?? 0) + (refundsByPayment.get(String(payment.id)) ?? 0) !== 1,
    ).length,
    ordersWithoutExactlyOneCharge: orders.filter(
      (order) =>
        chargesByReference.get(String(order.task_id)) !== 1 ||
        paymentById.get(String(order.payment_id))?.reference !== String(order.task_id),
    ).length,
    doubleCharges: [...chargesByReference.values()].filter((count) => count > 1).length,
    refundsWithoutTheirCharge: refunds.filter(
      (refund) => Number(paymentById.get(String(refund.payment_id))?.amount_cents) !== Number(refund.amount_cents),
    ).length,
    ordersWithoutExactlyOneStockMove: standing.filter((order) => !movedOnce(order)).length,
    strayStockMoves: [...movesByReference].filter(
      ([reference, moves]) => !orderTasks.has(reference) && netPerProduct(moves).size > 0,
    ).length,
    negativeStock: products.filter((product) => Number(product.stock) < 0).length,
    productsOffLedger: products.filter((product) => Number(product.stock) !== (ledger.get(Number(product.id)) ?? 0))
      .length,
    ordersWithoutOneEmailPerRecipient: orders.filter(
      (order) =>
        mailedTwice.has(String(order.id)) || (order.cancelled_at === null && !emailsByOrder.has(String(order.id))),
    ).length,
  };
}

/** Restocks every product by `quantity`, with a restock movement each, so that a long load never runs out. */
export async function restockAll(db: Knex, quantity: number): Promise<void> {
  await db.transaction(async (trx) => {
    const products = await trx('products').select('id');
    await trx('products').increment('stock', quantity);
    await trx('inventory_movements').insert(
      products.map((product) => ({
        product_id: product.id,
        quantity_delta: quantity,
        reason: 'restock',
        created_at: Date.now(),
      })),
    );
  });
}

/** A product sold in fewer pieces than the load asks for: the checkouts that want it race for the last ones. */
export interface ScarceProduct {
  id: number;
  name: string;
  priceCents: number;
  stock: number;
}

/** Adds `product` to the catalogue with a restock movement of its stock, so that its stock is its ledger. */
export async function addScarceProduct(db: Knex, product: ScarceProduct): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('products').insert({
      id: product.id,
      name: product.name,
      price_cents: product.priceCents,
      stock: product.stock,
    });
    await trx('inventory_movements').insert({
      product_id: product.id,
      quantity_delta: product.stock,
      reason: 'restock',
      created_at: Date.now(),
    });
  });
}
