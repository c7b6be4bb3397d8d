import type { WebhookDelivery } from '@tasker/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors/api-error.js';
import { isoTime } from '../json/time.js';
import { shortText } from '../schemas/common-schemas.js';
import type { RouteContext } from './route-context.js';

const deliveriesQuery = z.strictObject({
  webhook: shortText.optional(),
  event_id: shortText.optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

function deliveryJson(delivery: WebhookDelivery) {
  return {
    webhook: delivery.webhook,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    attempt: delivery.attempt,
    outcome: delivery.outcome,
    status: delivery.status ?? null,
    error: delivery.error ?? null,
    at: isoTime(delivery.at),
    duration_ms: delivery.durationMs,
  };
}

/** The webhooks' delivery log, newest first: whichever worker delivered, any worker answers. */
export const webhooksRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, context) => {
  app.get(
    '/webhooks/deliveries',
    {
      onRequest: context.guard('webhooks:read'),
      schema: {
        tags: ['events'],
        summary: "Webhook delivery tries, newest first, with each try's outcome, HTTP status and error",
        querystring: deliveriesQuery,
      },
    },
    async (request) => {
      // A webhook carries the events of every namespace, so its log is for tokens of every namespace only.
      if (context.principal(request).namespaces !== '*') {
        throw new ApiError('FORBIDDEN', 'The webhook delivery log covers every namespace: it needs a token of all (*)');
      }
      const { webhook, event_id: eventId, limit } = request.query;
      const deliveries = await context.withinStoreTimeout(
        context.engine.webhookDeliveries({
          limit,
          ...(webhook === undefined ? {} : { webhook }),
          ...(eventId === undefined ? {} : { eventId }),
        }),
      );
      return { deliveries: deliveries.map(deliveryJson) };
    },
  );
};
