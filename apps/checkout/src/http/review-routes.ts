import { readFileSync } from 'node:fs';
import type { Engine, TaskView } from '@tasker/core';
import { ApiError } from '@tasker/http';
import type { FastifyInstance } from 'fastify';
import type { ValidatedCart } from '../handlers/checkout-context.js';
import type { StoreWait } from './store-wait.js';
import { taskIdParams } from './task-id-params.js';

const REVIEWS_PAGE = readFileSync(new URL('../public/reviews.html', import.meta.url), 'utf8');

/** The step of a checkout that waits for a person's decision, and the signal that brings it (see the template). */
const REVIEW_STEP = 'review_order';
const REVIEW_SIGNAL = 'review';
/** Most checkouts the list reads: a review queue longer than this is a job for the operator dashboard. */
const LIST_LIMIT = 100;

const waitingForReview = (task: TaskView) =>
  task.namespace === 'ecommerce' &&
  task.name === 'process_order' &&
  task.steps.some((step) => step.name === REVIEW_STEP && step.state === 'waiting');

/** A checkout awaiting review as the page lists it: who ordered what, for how much, waiting since and until when. */
function awaitingJson(task: TaskView) {
  const cart = task.steps.find((step) => step.name === 'validate_cart')?.results as ValidatedCart | undefined;
  const review = task.steps.find((step) => step.name === REVIEW_STEP)!;
  const customer = task.context['customer_info'] as { name?: string; email?: string } | undefined;
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    task_id: task.id,
    customer_name: customer?.name ?? null,
    customer_email: customer?.email ?? null,
    items: (cart?.validated_items ?? []).map(({ name, quantity }) => ({ name, quantity })),
    total: cart?.total ?? null,
    waiting_since: iso(review.startedAt),
    review_until: iso(review.waitingFor?.until),
  };
}

const decisionBody = {
  type: 'object',
  required: ['approved'],
  additionalProperties: false,
  properties: { approved: { type: 'boolean' }, note: { type: 'string', maxLength: 500 } },
} as const;

/**
 * The fraud reviewers' page: `GET /reviews` (the page), `GET /reviews/pending` (checkouts whose `review_order`
 * waits, oldest first) and `POST /reviews/:task_id` (`{ approved, note? }`: sends the checkout the signal `review`,
 * which wakes it on whichever worker, as `engine.signal` does). A checkout that is not waiting for a review answers
 * 409 `INVALID_TRANSITION`, so a decision never lies in store for a step that will not read it.
 */
export function reviewRoutes(app: FastifyInstance, engine: Engine, storeWait: StoreWait): void {
  app.get('/reviews', async (_request, reply) => reply.type('text/html; charset=utf-8').send(REVIEWS_PAGE));

  app.get('/reviews/pending', async () => {
    const { tasks } = await storeWait(
      engine.listTasks({ namespace: 'ecommerce', name: 'process_order', state: 'in_progress', limit: LIST_LIMIT }),
    );
    const views = await storeWait(Promise.all(tasks.map((task) => engine.getTask(task.id))));
    const orders = views.filter(waitingForReview).map(awaitingJson);
    orders.sort((a, b) => (a.waiting_since ?? '').localeCompare(b.waiting_since ?? ''));
    return { orders };
  });

  app.post<{ Params: { task_id: string }; Body: { approved: boolean; note?: string } }>(
    '/reviews/:task_id',
    { schema: { params: taskIdParams, body: decisionBody } },
    async (request, reply) => {
      const taskId = request.params.task_id;
      const task = await storeWait(engine.getTask(taskId));
      if (!waitingForReview(task)) {
        throw new ApiError('INVALID_TRANSITION', `Checkout ${taskId} is not waiting for a review`);
      }
      const { approved, note } = request.body;
      await storeWait(
        engine.signal(taskId, REVIEW_SIGNAL, { approved, reviewer: 'storefront', ...(note ? { note } : {}) }),
      );
      request.log.info({ task_id: taskId, approved }, 'Review decided');
      return reply.code(202).send({ task_id: taskId, approved });
    },
  );
}
