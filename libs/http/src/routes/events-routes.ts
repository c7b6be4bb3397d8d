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
  after: shortText.optional(),
});

/**
 * Every worker's events as server-sent events, read from the store's event log: each with its log id as the SSE
 * `id`, so that a client reconnecting with `Last-Event-ID` (or `?after=`) resumes after it with nothing lost or
 * repeated; without either, from the moment of the request. Filtered by type pattern, namespace, template and task,
 * and by the namespaces the caller may see.
 */
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
        summary:
          'Engine events of every worker as server-sent events (`id: <event id>`, `event: <type>`, `data: <json>`); resumes after `Last-Event-ID` or `after`',
        querystring: eventsQuery,
      },
    },
    async (request, reply) => {
      const query = request.query;
      const principal = context.principal(request);
      if (query.namespace !== undefined) principal.requireNamespace(query.namespace);
      const lastEventId = request.headers['last-event-id'];
      const resumeAfter = typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : query.after;
      const { events } = context.engine;
      // Fixed before the stream opens, so that an event committed once the client hears `connected` is never missed;
      // reading one event also refuses (400) an id the store never gave, while an answer is still possible.
      if (resumeAfter !== undefined) await events.read({ after: resumeAfter, limit: 1 });
      const after = resumeAfter ?? (await events.lastId());
      const wanted = (event: EngineEvent) =>
        principal.sees(event.namespace) && (query.task_name === undefined || event.name === query.task_name);
      reply.hijack();
      const stream = new EventStream(reply.raw, context.streamBufferBytes);
      const stop = new AbortController();
      open.add(stream);
      stream.onClose(() => {
        open.delete(stream);
        stop.abort();
      });
      stream.comment('connected');
      const followed = events.follow({
        ...(after === undefined ? { fromStart: true } : { after }),
        types: [query.type],
        ...(query.namespace === undefined ? {} : { namespace: query.namespace }),
        ...(query.task_id === undefined ? {} : { taskId: query.task_id }),
        signal: stop.signal,
      });
      void (async () => {
        try {
          for await (const { id, event } of followed) if (wanted(event)) stream.send(event.type, eventJson(event), id);
        } catch (error) {
          request.log.error({ err: error }, 'following the event log failed; closing the event stream');
          stream.end();
        }
      })();
    },
  );
};
