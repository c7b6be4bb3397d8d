import { EVENT_TYPES, type CustomEventType, type EngineEvent, type EventPattern } from '@tasker/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eventJson } from '../json/event-json.js';
import { shortText } from '../schemas/common-schemas.js';
import { EventStream } from '../sse/event-stream.js';
import type { RouteContext } from './route-context.js';

const PATTERNS = [...EVENT_TYPES, 'task.*', 'step.*', 'custom.*', '*'] as const satisfies readonly EventPattern[];

/** One custom event by name, `custom.<name>`: any name a template may declare. */
const customEventType = z
  .string()
  .regex(/^custom\.[A-Za-z0-9_][A-Za-z0-9_.-]*$/)
  .transform((type) => type as CustomEventType);

const eventsQuery = z.strictObject({
  type: z.union([z.enum(PATTERNS), customEventType]).default('*'),
  namespace: shortText.optional(),
  task_name: shortText.optional(),
  task_id: z.uuid().optional(),
});

/** The engine's events as server-sent events, filtered by type pattern, namespace, template and task. */
export const eventsRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, context) => {
  // Streams never end by themselves: close them when the app closes, or its server would wait for them forever.
  const open = new Set<EventStream>();
  app.addHook('preClose', async () => {
    for (const stream of [...open]) stream.end();
  });

  app.get(
    '/events',
    {
      onRequest: context.guard('events:read'),
      schema: {
        tags: ['events'],
        summary: 'Live engine events as server-sent events (`event: <type>`, `data: <json>`)',
        querystring: eventsQuery,
      },
    },
    async (request, reply) => {
      const query = request.query;
      const principal = context.principal(request);
      if (query.namespace !== undefined) principal.requireNamespace(query.namespace);
      const wanted = (event: EngineEvent) =>
        principal.sees(event.namespace) &&
        (query.namespace === undefined || event.namespace === query.namespace) &&
        (query.task_name === undefined || event.name === query.task_name) &&
        (query.task_id === undefined || event.taskId === query.task_id);
      reply.hijack();
      const stream = new EventStream(reply.raw, context.streamBufferBytes);
      stream.comment('connected');
      const unsubscribe = context.engine.on(query.type, (event) => {
        if (wanted(event)) stream.send(event.type, eventJson(event));
      });
      open.add(stream);
      stream.onClose(() => {
        open.delete(stream);
        unsubscribe();
      });
    },
  );
};
