import type { Engine } from '@tasker/core';
import { requestTraceContext } from '@tasker/http';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_MERCHANT, type CheckoutContext } from '../handlers/checkout-context.js';
import { TEST_TOKENS } from '../services/payment-processor.js';
import type { StoreWait } from './store-wait.js';

const checkoutBody = {
  type: 'object',
  required: ['cart_items', 'payment_info', 'customer_info'],
  additionalProperties: false,
  properties: {
    cart_items: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['product_id', 'quantity'],
        properties: {
          product_id: { type: 'integer', minimum: 1 },
          quantity: { type: 'integer', minimum: 1 },
          price: { type: 'number' },
        },
      },
    },
    payment_info: {
      type: 'object',
      required: ['token'],
      properties: { token: { type: 'string', enum: [...TEST_TOKENS] }, amount: { type: 'number' } },
    },
    customer_info: {
      type: 'object',
      required: ['email', 'name'],
      properties: { email: { type: 'string', minLength: 3 }, name: { type: 'string', minLength: 1 } },
    },
    priority: { type: 'string', enum: ['standard', 'express'] },
    merchant_id: { type: 'string', minLength: 1, maxLength: 100 },
  },
} as const;

/**
 * The task priority of an express checkout: among the checkouts waiting for a worker, it is claimed as if it had
 * waited `EXPRESS_PRIORITY × priorityAgeMs` (10 s each) longer.
 */
export const EXPRESS_PRIORITY = 3;

/**
 * `POST /checkout`: starts an `ecommerce/process_order` task (1.2.0: the seed's with a fraud review, shipping and a confirmation per recipient) for a cart and answers at once, as the seed's
 * controller does, with `task_id`, `status`, `checkout_url` and `correlation_id`. An `Idempotency-Key` header makes
 * a repeated request return the first checkout; an `X-Correlation-Id` header ties the task to the caller's request,
 * and a W3C `traceparent` makes the checkout's spans part of the caller's trace.
 */
export function checkoutRoute(app: FastifyInstance, engine: Engine, storeWait: StoreWait): void {
  app.post<{ Body: CheckoutContext }>('/checkout', { schema: { body: checkoutBody } }, async (request, reply) => {
    const idempotencyKey = request.headers['idempotency-key'];
    const correlationId = request.headers['x-correlation-id'];
    const traceContext = requestTraceContext(request);
    const task = await storeWait(
      engine.runTask({
        namespace: 'ecommerce',
        name: 'process_order',
        // 1.2.0: the seed's checkout with the fraud review of large orders (`review_order`), shipping chosen by a
        // decision step and a confirmation mapped over the order's recipients.
        version: '1.2.0',
        // Payments are limited per merchant (the template's concurrency key and rate limit on process_payment).
        context: { merchant_id: DEFAULT_MERCHANT, ...request.body },
        ...(request.body.priority === 'express' ? { priority: EXPRESS_PRIORITY } : {}),
        initiator: 'storefront',
        sourceSystem: 'checkout-app',
        ...(typeof idempotencyKey === 'string' ? { idempotencyKey } : {}),
        ...(typeof correlationId === 'string' ? { correlationId } : {}),
        ...(traceContext ? { traceContext } : {}),
      }),
    );
    request.log.info({ task_id: task.taskId, correlation_id: task.correlationId }, 'Checkout accepted');
    return reply.code(task.created ? 202 : 200).send({
      task_id: task.taskId,
      status: task.state,
      checkout_url: `/orders/${task.taskId}/status`,
      correlation_id: task.correlationId,
    });
  });
}
