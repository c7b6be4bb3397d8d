import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteContext } from './route-context.js';

/** `GET /metrics`: the app's Prometheus text exposition (from `@tasker/telemetry`), when it gave a source. */
export const metricsRoute: FastifyPluginAsyncZod<RouteContext> = async (app, context) => {
  const { metrics } = context;
  if (!metrics) return;
  app.get(
    '/metrics',
    {
      onRequest: context.guard('metrics:read'),
      schema: { tags: ['health'], summary: 'Metrics in the Prometheus text exposition format' },
    },
    async (_request, reply) => {
      const text = await metrics();
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
    },
  );
};
