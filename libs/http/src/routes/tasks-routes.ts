import { InvalidRequestError, type JsonObject } from '@tasker/core';
import { invalidAt } from '../errors/invalid-at.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { taskParams } from '../schemas/common-schemas.js';
import { actionBody, createTaskBody, listTasksQuery } from '../schemas/task-schemas.js';
import { taskJson, taskSummaryJson } from '../json/task-json.js';
import { createdTaskResponse, errorResponses, taskResponse, taskSummaryResponse } from '../schemas/response-schemas.js';
import type { RouteContext } from './route-context.js';
import { requestCorrelationId, requestTraceContext } from './request-headers.js';

const tags = ['tasks'];

/**
 * The engine's refusal of a bypassed step (`bypassSteps[1]`) at the request's own field (`body.bypass_steps.1`);
 * anything else as it is.
 */
function atRestField(error: unknown): unknown {
  if (!(error instanceof InvalidRequestError)) return error;
  const index = /^bypassSteps\[(\d+)\]$/.exec(error.field)?.[1];
  if (index === undefined) return error;
  return invalidAt(`body.bypass_steps.${index}`, error);
}

/** Tasks: create, list, show, retry, cancel. */
export const tasksRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, context) => {
  const { engine } = context;

  const showTask = async (request: Parameters<RouteContext['principal']>[0], taskId: string) => {
    const task = await context.visibleTask(request, taskId);
    return taskJson(task, await context.withinStoreTimeout(engine.getHistory(taskId)));
  };

  app.post(
    '/tasks',
    {
      onRequest: context.guard('tasks:create'),
      config: { rateLimit: context.taskCreationLimit },
      schema: {
        tags,
        summary: 'Run a task: 201 when created, 200 with the first task for a repeated idempotency key',
        body: createTaskBody,
        response: {
          200: createdTaskResponse,
          201: createdTaskResponse,
          ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const principal = context.principal(request);
      principal.requireNamespace(body.namespace);
      const correlationId = requestCorrelationId(request) ?? body.correlation_id;
      const traceContext = requestTraceContext(request);
      const result = await context.withinStoreTimeout(
        engine
          .runTask({
            namespace: body.namespace,
            name: body.name,
            // The engine checks every value deeply (JSON every store keeps, depth and size caps) before anything else.
            context: body.context as JsonObject,
            initiator: body.initiator ?? principal.subject,
            ...(body.version === undefined ? {} : { version: body.version }),
            ...(body.idempotency_key === undefined ? {} : { idempotencyKey: body.idempotency_key }),
            ...(correlationId === undefined ? {} : { correlationId }),
            ...(body.source_system === undefined ? {} : { sourceSystem: body.source_system }),
            ...(body.bypass_steps === undefined ? {} : { bypassSteps: body.bypass_steps }),
            ...(body.run_at === undefined ? {} : { runAt: body.run_at }),
            ...(body.deadline_ms === undefined ? {} : { deadlineMs: body.deadline_ms }),
            ...(body.priority === undefined ? {} : { priority: body.priority }),
            ...(body.reason === undefined ? {} : { reason: body.reason }),
            ...(body.tags === undefined ? {} : { tags: body.tags }),
            ...(traceContext === undefined ? {} : { traceContext }),
          })
          .catch((error: unknown) => {
            throw atRestField(error);
          }),
      );
      const location = `${context.mountPath}/tasks/${result.taskId}`;
      reply
        .code(result.created ? 201 : 200)
        .header('location', location)
        .header('x-correlation-id', result.correlationId);
      return {
        task_id: result.taskId,
        current_state: result.state,
        correlation_id: result.correlationId,
        created: result.created,
        links: { self: location },
      };
    },
  );

  app.get(
    '/tasks',
    {
      onRequest: context.guard('tasks:read'),
      schema: {
        tags,
        summary: 'List tasks, newest first, a page at a time',
        querystring: listTasksQuery,
        response: {
          200: z.object({ tasks: z.array(taskSummaryResponse), next_cursor: z.string().nullable() }),
          ...errorResponses(400, 401, 403, 503),
        },
      },
    },
    async (request) => {
      const query = request.query;
      const namespace = context.principal(request).scopeNamespace(query.namespace);
      const page = await context.withinStoreTimeout(
        engine.listTasks({
          ...(query.state === undefined ? {} : { state: query.state }),
          ...(namespace === undefined ? {} : { namespace }),
          ...(query.name === undefined ? {} : { name: query.name }),
          ...(query.version === undefined ? {} : { version: query.version }),
          ...(query.correlation_id === undefined ? {} : { correlationId: query.correlation_id }),
          ...(query.annotation_type === undefined ? {} : { annotationType: query.annotation_type }),
          ...(query.created_from === undefined ? {} : { createdFrom: query.created_from }),
          ...(query.created_to === undefined ? {} : { createdTo: query.created_to }),
          ...(query.limit === undefined ? {} : { limit: query.limit }),
          ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        }),
      );
      return { tasks: page.tasks.map(taskSummaryJson), next_cursor: page.nextCursor ?? null };
    },
  );

  app.get(
    '/tasks/:taskId',
    {
      onRequest: context.guard('tasks:read'),
      schema: {
        tags,
        summary: 'A task with its steps, annotations and history',
        params: taskParams,
        response: { 200: taskResponse, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => showTask(request, request.params.taskId),
  );

  for (const action of ['retry', 'cancel'] as const) {
    app.post(
      `/tasks/:taskId/${action}`,
      {
        onRequest: context.guard(action === 'retry' ? 'tasks:retry' : 'tasks:cancel'),
        schema: {
          tags,
          summary:
            action === 'retry'
              ? 'Run a failed task again (completed steps are kept), or the failed compensations of a compensation_failed task'
              : 'Cancel a task (running handlers are aborted)',
          params: taskParams,
          body: actionBody,
          response: { 200: taskResponse, ...errorResponses(400, 401, 403, 404, 409, 503) },
        },
      },
      async (request) => {
        const { taskId } = request.params;
        await context.visibleTask(request, taskId);
        const options = {
          by: context.principal(request).subject,
          ...(request.body?.reason ? { reason: request.body.reason } : {}),
        };
        await context.withinStoreTimeout(
          action === 'retry' ? engine.retryTask(taskId, options) : engine.cancelTask(taskId, options),
        );
        return showTask(request, taskId);
      },
    );
  }
};
