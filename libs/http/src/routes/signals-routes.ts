import type { JsonValue } from '@tasker/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { shortText, taskParams } from '../schemas/common-schemas.js';
import { errorResponses } from '../schemas/response-schemas.js';
import type { RouteContext } from './route-context.js';

const tags = ['tasks'];

/** What a signal's answer says happened. */
const signalResponse = z.object({
  task_id: z.string(),
  signal: z.string(),
  /** `delivered`: a waiting step of the task woke; `stored`: kept for the task until a step takes it. */
  outcome: z.enum(['delivered', 'stored']),
  links: z.object({ task: z.string() }),
});

/** Signals: `POST /tasks/:taskId/signals/:name` with the payload as the body. */
export const signalsRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, context) => {
  app.post(
    '/tasks/:taskId/signals/:name',
    {
      onRequest: context.guard('tasks:signal'),
      schema: {
        tags,
        summary:
          'Send a signal to a task: the body (any JSON, null when empty) is the payload, the result of the signal step waiting for it. Kept durably: a step that reaches it later takes it',
        params: taskParams.extend({ name: shortText }),
        // Checked deeply by the engine (the JSON rule, then the signal step's schema).
        body: z.unknown().optional(),
        response: {
          200: signalResponse,
          202: signalResponse,
          ...errorResponses(400, 401, 403, 404, 409, 503),
        },
      },
    },
    async (request, reply) => {
      const { taskId, name } = request.params;
      await context.visibleTask(request, taskId);
      const payload = (request.body ?? null) as JsonValue;
      const sent = await context.withinStoreTimeout(context.engine.signal(taskId, name, payload));
      return reply.code(sent.outcome === 'delivered' ? 200 : 202).send({
        task_id: taskId,
        signal: name,
        outcome: sent.outcome,
        links: { task: `${context.mountPath}/tasks/${taskId}` },
      });
    },
  );
};
