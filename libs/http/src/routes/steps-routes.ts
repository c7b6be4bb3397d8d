import { NotFoundError, TASK_STATES, type JsonValue, type TaskView } from '@tasker/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { stepJson } from '../json/task-json.js';
import { stepParams, taskParams } from '../schemas/common-schemas.js';
import { errorResponses, stepResponse } from '../schemas/response-schemas.js';
import { resolveStepBody } from '../schemas/task-schemas.js';
import { z } from 'zod';
import type { RouteContext } from './route-context.js';

const tags = ['steps'];

function stepOf(task: TaskView, stepName: string) {
  const step = task.steps.find((candidate) => candidate.name === stepName);
  if (!step) throw new NotFoundError('STEP_NOT_FOUND', `Task ${task.id} has no step '${stepName}'`);
  return stepJson(step);
}

/** Steps of a task: list, show, resolve by hand. */
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
