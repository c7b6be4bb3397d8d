import type { Engine, TaskView } from '@tasker/core';
import type { FastifyInstance } from 'fastify';
import type { StoreWait } from './store-wait.js';
import { taskIdParams } from './task-id-params.js';
import type { Knex } from 'knex';
import { findOrderOfTask, type Order } from '../database/orders.js';
import { findRefundOfTask, type Refund } from '../database/refunds.js';

const units = (cents: number) => cents / 100;

function orderJson(order: Order) {
  return {
    order_id: order.id,
    payment_id: order.paymentId,
    customer_email: order.customerEmail,
    items: order.items.map((item) => ({
      product_id: item.product_id,
      name: item.name,
      quantity: item.quantity,
      price: units(item.price_cents),
      line_total: units(item.line_total_cents),
    })),
    subtotal: units(order.subtotalCents),
    tax: units(order.taxCents),
    total: units(order.totalCents),
    created_at: new Date(order.createdAt).toISOString(),
  };
}

function refundJson(refund: Refund) {
  return {
    refund_id: refund.id,
    payment_id: refund.paymentId,
    amount: units(refund.amountCents),
    refunded_at: new Date(refund.createdAt).toISOString(),
  };
}

/**
 * The step whose failure failed the task: still `failed`, or, when it was undone because its last attempt may have
 * done its work (a flaky card that errored after a charge), `compensated` with the error it failed with.
 */
function failedStepOf(task: TaskView) {
  const failed = task.steps.find((step) => step.state === 'failed');
  if (failed || task.state === 'cancelled') return failed;
  return task.steps.find((step) => step.state === 'compensated' && step.errorCode !== undefined);
}

async function statusOf(db: Knex, task: TaskView) {
  const base = { task_id: task.id, correlation_id: task.correlationId };
  if (task.state === 'completed' || task.state === 'resolved_manually') {
    const order = await findOrderOfTask(db, task.id);
    return { ...base, status: 'completed', order: order ? orderJson(order) : null };
  }
  if (task.state === 'failed' || task.state === 'cancelled' || task.state === 'compensation_failed') {
    const failed = failedStepOf(task);
    const summary = { error: task.errorMessage ?? null, failed_step: failed?.name ?? null };
    const refund = await findRefundOfTask(db, task.id);
    // A compensation that failed for good is said as such even when the money came back: the books need a person.
    if (!refund || task.state === 'compensation_failed') return { ...base, status: task.state, ...summary };
    return { ...base, status: 'refunded', task_state: task.state, ...summary, refund: refundJson(refund) };
  }
  return { ...base, status: 'processing', current_state: task.state };
}

/**
 * `GET /orders/:task_id/status`, the seed's status endpoint: `processing` while the task runs (and while it
 * compensates), the order once it completed, and the error summary with the correlation id once it failed or was
 * cancelled: `refunded` with the refund when its charge was given back, else the task's state.
 */
export function orderStatusRoute(app: FastifyInstance, engine: Engine, db: Knex, storeWait: StoreWait): void {
  app.get<{ Params: { task_id: string } }>(
    '/orders/:task_id/status',
    { schema: { params: taskIdParams } },
    async (request) => statusOf(db, await storeWait(engine.getTask(request.params.task_id))),
  );
}
