import { NotFoundError, TASK_STATES, type JsonValue, type TaskView } from '@tasker/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { stepItemJson, stepJson } from '../json/task-json.js';
import { stepParams, taskParams } from '../schemas/common-schemas.js';
import { errorResponses, stepItemResponse, stepResponse } from '../schemas/response-schemas.js';
import { resolveStepBody, stepItemsQuery } from '../schemas/task-schemas.js';
import { z } from 'zod';
import type { RouteContext } from './route-context.js';

const tags = ['steps'];

function stepOf(task: TaskView, stepName: string) {
  const step = task.steps.find((candidate) => candidate.name === stepName);
  if (!step) throw new NotFoundError('STEP_NOT_FOUND', `Task ${task.id} has no step '${stepName}'`);
  return stepJson(step);
}

/** Steps of a task: list, show, a map step's items, resolve by hand. */
export const stepsRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, context) => {
  app.get(
    '/tasks/:taskId/steps',
    {
      onRequest: context.guard('tasks:read'),
      schema: {
        tags,
        summary: "A task's steps in template order",
        params: taskParams,
        response: {
          200: z.object({
            task_id: z.uuid(),
            current_state: z.enum(TASK_STATES),
            workflow_steps: z.array(stepResponse),
          }),
          ...errorResponses(400, 401, 403, 404, 503),
        },
      },
    },
    async (request) => {
      const task = await context.visibleTask(request, request.params.taskId);
      return { task_id: task.id, current_state: task.state, workflow_steps: task.steps.map(stepJson) };
    },
  );

  app.get(
    '/tasks/:taskId/steps/:stepName',
    {
      onRequest: context.guard('tasks:read'),
      schema: {
        tags,
        summary: 'One step of a task',
        params: stepParams,
        response: { 200: stepResponse, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => stepOf(await context.visibleTask(request, request.params.taskId), request.params.stepName),
  );

  app.get(
    '/tasks/:taskId/steps/:stepName/items',
    {
      onRequest: context.guard('tasks:read'),
      schema: {
        tags,
        summary: "A map step's items that have started, in index order, a page at a time",
        params: stepParams,
        querystring: stepItemsQuery,
        response: {
          200: z.object({
            task_id: z.uuid(),
            step_name: z.string(),
            offset: z.number().int(),
            items: z.array(stepItemResponse),
          }),
          ...errorResponses(400, 401, 403, 404, 503),
        },
      },
    },
    async (request) => {
      const { taskId, stepName } = request.params;
      await context.visibleTask(request, taskId);
      const { offset = 0, limit } = request.query;
      const items = await context.withinStoreTimeout(
        context.engine.getStepItems(taskId, stepName, { offset, ...(limit === undefined ? {} : { limit }) }),
      );
      return { task_id: taskId, step_name: stepName, offset, items: items.map(stepItemJson) };
    },
  );

  app.post(
    '/tasks/:taskId/steps/:stepName/resolve',
    {
      onRequest: context.guard('steps:resolve'),
      schema: {
        tags,
        summary:
          'Resolve a pending, waiting or failed step by hand with results (its dependants proceed), or mark a step whose compensation failed as compensated by hand',
        params: stepParams,
        body: resolveStepBody,
        response: { 200: stepResponse, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => {
      const { taskId, stepName } = request.params;
      await context.visibleTask(request, taskId);
      const options = {
        by: context.principal(request).subject,
        ...(request.body.reason === undefined ? {} : { reason: request.body.reason }),
      };
      // The engine checks the results deeply, as it does a context.
      const results = request.body.results as JsonValue;
      await context.withinStoreTimeout(context.engine.resolveStep(taskId, stepName, results, options));
      return stepOf(await context.visibleTask(request, taskId), stepName);
    },
  );
};
