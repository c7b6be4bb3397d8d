import type { Knex } from 'knex';

/** What the shop's tables say about every checkout: counts, and the rows that break a rule (all must be 0). */
export interface Reconciliation {
  charges: number;
  orders: number;
  saleMovements: number;
  emails: number;
  /** Charges that have no order, or more than one. */
  chargesWithoutExactlyOneOrder: number;
  /** Orders that have no charge of their checkout, or more than one, or point at another checkout's charge. */
  ordersWithoutExactlyOneCharge: number;
  /** Checkouts charged more than once. */
  doubleCharges: number;
  /** Orders whose items were not taken out of stock exactly once each. */
  ordersWithoutExactlyOneStockMove: number;
  /** Sale movements of a checkout that has no order. */
  strayStockMoves: number;
  /** Products whose stock is not the sum of their movements. */
  productsOffLedger: number;
  /** Orders with no confirmation email, or more than one. */
  ordersWithoutExactlyOneEmail: number;
}

/** The rules of a {@link Reconciliation}, each of which must count 0 rows. */
export const RECONCILIATION_RULES = [
  'chargesWithoutExactlyOneOrder',
  'ordersWithoutExactlyOneCharge',
  'doubleCharges',
  'ordersWithoutExactlyOneStockMove',
  'strayStockMoves',
  'productsOffLedger',
  'ordersWithoutExactlyOneEmail',
] as const satisfies ReadonlyArray<keyof Reconciliation>;

function countBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1);
  return counts;
}

/** Checks the shop's tables against each other: every charge one order, stock moved once, one email per order. */
export async function reconcile(db: Knex): Promise<Reconciliation> {
  const [payments, orders, movements, emails, products] = await Promise.all([
    db('payments').select('id', 'reference'),
    db('orders').select('id', 'task_id', 'payment_id', 'items'),
    db('inventory_movements').select('product_id', 'quantity_delta', 'reason', 'reference'),
    db('sent_emails').select('order_id'),
    db('products').select('id', 'stock'),
  ]);
  const ordersByPayment = countBy(orders, (order) => String(order.payment_id));
  const chargesByReference = countBy(payments, (payment) => String(payment.reference));
  const paymentReference = new Map(payments.map((payment) => [String(payment.id), String(payment.reference)]));
  const sales = movements.filter((movement) => movement.reason === 'sale');
  const salesByReference = new Map<string, Array<{ product_id: number; quantity_delta: number }>>();
  for (const sale of sales)
    salesByReference.set(sale.reference, [...(salesByReference.get(sale.reference) ?? []), sale]);
  const emailsByOrder = countBy(emails, (email) => String(email.order_id));
  const ledger = new Map<number, number>();
  for (const movement of movements) {
    ledger.set(
      Number(movement.product_id),
      (ledger.get(Number(movement.product_id)) ?? 0) + Number(movement.quantity_delta),
    );
  }
  const orderTasks = new Set(orders.map((order) => String(order.task_id)));
  const movedOnce = (order: { task_id: string; items: string }) => {
    const items = JSON.parse(order.items) as Array<{ product_id: number; quantity: number }>;
    const moved = salesByReference.get(order.task_id) ?? [];
    return (
      moved.length === items.length &&
      items.every((item) =>
        moved.some(
          (move) => Number(move.product_id) === item.product_id && -Number(move.quantity_delta) === item.quantity,
        ),
      )
    );
  };
  return {
    charges: payments.length,
    orders: orders.length,
    saleMovements: sales.length,
    emails: emails.length,
    chargesWithoutExactlyOneOrder: payments.filter((payment) => ordersByPayment.get(String(payment.id)) !== 1).length,
    ordersWithoutExactlyOneCharge: orders.filter(
      (order) =>
        chargesByReference.get(String(order.task_id)) !== 1 ||
        paymentReference.get(String(order.payment_id)) !== String(order.task_id),
    ).length,
    doubleCharges: [...chargesByReference.values()].filter((count) => count > 1).length,
    ordersWithoutExactlyOneStockMove: orders.filter((order) => !movedOnce(order)).length,
    strayStockMoves: sales.filter((sale) => !orderTasks.has(String(sale.reference))).length,
    productsOffLedger: products.filter((product) => Number(product.stock) !== (ledger.get(Number(product.id)) ?? 0))
      .length,
    ordersWithoutExactlyOneEmail: orders.filter((order) => emailsByOrder.get(String(order.id)) !== 1).length,
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
