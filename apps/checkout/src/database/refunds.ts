import type { Knex } from 'knex';

/** A refund of a charge, as the payment processor recorded it. */
export interface Refund {
  id: string;
  paymentId: string;
  amountCents: number;
  createdAt: number;
}

async function findRefund(
  db: Knex,
  where: { payment_id: string } | { reference: string },
): Promise<Refund | undefined> {
  const row = (await db('refunds').where(where).first('id', 'payment_id', 'amount_cents', 'created_at')) as
    { id: string; payment_id: string; amount_cents: number | string; created_at: number | string } | undefined;
  return (
    row && {
      id: row.id,
      paymentId: row.payment_id,
      amountCents: Number(row.amount_cents),
      createdAt: Number(row.created_at),
    }
  );
}

/** The refund of payment `paymentId`, if it was refunded. */
export const findRefundOfPayment = (db: Knex, paymentId: string) => findRefund(db, { payment_id: paymentId });

/** The refund of checkout `taskId` (its reference), if its charge was refunded. */
export const findRefundOfTask = (db: Knex, taskId: string) => findRefund(db, { reference: taskId });
