import type { Knex } from 'knex';

/** A line of an order, as the cart was validated (a type alias, so that it is JSON a step can return). */
export type OrderItem = {
  product_id: number;
  name: string;
  quantity: number;
  price_cents: number;
  line_total_cents: number;
};

/** An order as the shop keeps it. */
export interface Order {
  id: number;
  taskId: string;
  paymentId: string;
  customerEmail: string;
  customerName: string;
  items: OrderItem[];
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  createdAt: number;
  /** When the checkout was cancelled after the order was recorded (its charge refunded); undefined if it stands. */
  cancelledAt?: number;
}

/** What it takes to record an order. */
export type NewOrder = Omit<Order, 'id' | 'createdAt' | 'cancelledAt'>;

interface OrderRow {
  id: number;
  task_id: string;
  payment_id: string;
  customer_email: string;
  customer_name: string;
  items: string;
  subtotal_cents: number;
  tax_cents: number;
  total_cents: number;
  created_at: number | string;
  cancelled_at: number | string | null;
}

function toOrder(row: OrderRow): Order {
  return {
    id: Number(row.id),
    taskId: row.task_id,
    paymentId: row.payment_id,
    customerEmail: row.customer_email,
    customerName: row.customer_name,
    items: JSON.parse(row.items) as OrderItem[],
    subtotalCents: Number(row.subtotal_cents),
    taxCents: Number(row.tax_cents),
    totalCents: Number(row.total_cents),
    createdAt: Number(row.created_at),
    ...(row.cancelled_at === null ? {} : { cancelledAt: Number(row.cancelled_at) }),
  };
}

/** The order of checkout `taskId`, if it has one. */
export async function findOrderOfTask(db: Knex, taskId: string): Promise<Order | undefined> {
  const row = (await db('orders').where({ task_id: taskId }).first()) as OrderRow | undefined;
  return row && toOrder(row);
}

/**
 * Records the order of a checkout once: a repeated call for the same task (a retried step) finds the first order,
 * since the task id is unique in the table.
 */
export async function createOrder(db: Knex, order: NewOrder): Promise<Order> {
  await db('orders')
    .insert({
      task_id: order.taskId,
      payment_id: order.paymentId,
      customer_email: order.customerEmail,
      customer_name: order.customerName,
      items: JSON.stringify(order.items),
      subtotal_cents: order.subtotalCents,
      tax_cents: order.taxCents,
      total_cents: order.totalCents,
      created_at: Date.now(),
    })
    .onConflict('task_id')
    .ignore();
  const created = await findOrderOfTask(db, order.taskId);
  if (!created) throw new Error(`the order of task ${order.taskId} vanished after it was written`);
  return created;
}

/**
 * Marks the order of checkout `taskId` cancelled, once: a repeated call keeps the first time.
 * @returns the order, or undefined when the checkout recorded none.
 */
export async function cancelOrderOfTask(db: Knex, taskId: string): Promise<Order | undefined> {
  await db('orders').where({ task_id: taskId }).whereNull('cancelled_at').update({ cancelled_at: Date.now() });
  return findOrderOfTask(db, taskId);
}
