import { InvalidRequestError, NotFoundError, type JsonObject } from '@tasker/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { invalidAt } from '../errors/invalid-at.js';
import { scheduleJson } from '../json/schedule-json.js';
import { errorResponses } from '../schemas/response-schemas.js';
import { putScheduleBody, scheduleParams, scheduleResponse } from '../schemas/schedule-schemas.js';
import type { RouteContext } from './route-context.js';

const tags = ['schedules'];

/** The body's own name of each schedule field the engine names (`catchUp` is `catch_up` here). */
const REST_FIELDS: Record<string, string> = { catchUp: 'catch_up', overlap: 'overlap', id: 'params.scheduleId' };

/** The engine's refusal of a field (`cron`, `task.context`) at the request's own field (`body.cron`). */
function atRestField(error: unknown): unknown {
  if (!(error instanceof InvalidRequestError)) return error;
  const field = REST_FIELDS[error.field]?.startsWith('params.')
    ? REST_FIELDS[error.field]!
    : `body.${REST_FIELDS[error.field] ?? error.field}`;
  return invalidAt(field, error);
}

/**
 * Schedules: list, show, create or replace, delete. A token sees and changes only the schedules of its namespaces
 * (a schedule's namespace is its task's); one of another namespace is answered as missing.
 */
export const schedulesRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, context) => {
  const { engine } = context;

  const visibleSchedule = async (request: Parameters<RouteContext['principal']>[0], id: string) => {
    const schedule = await context.withinStoreTimeout(engine.getSchedule(id));
    if (!context.principal(request).sees(schedule.task.namespace)) {
      throw new NotFoundError('SCHEDULE_NOT_FOUND', `No schedule ${id}`);
    }
    return schedule;
  };

  app.get(
    '/schedules',
    {
      onRequest: context.guard('schedules:read'),
      schema: {
        tags,
        summary: 'Every schedule the token may see, by id, with when each fires next',
        response: { 200: z.object({ schedules: z.array(scheduleResponse) }), ...errorResponses(401, 403, 503) },
      },
    },
    async (request) => {
      const principal = context.principal(request);
      const schedules = await context.withinStoreTimeout(engine.listSchedules());
      return {
        schedules: schedules.filter((schedule) => principal.sees(schedule.task.namespace)).map(scheduleJson),
      };
    },
  );

  app.get(
    '/schedules/:scheduleId',
    {
      onRequest: context.guard('schedules:read'),
      schema: {
        tags,
        summary: 'One schedule',
        params: scheduleParams,
        response: { 200: scheduleResponse, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => scheduleJson(await visibleSchedule(request, request.params.scheduleId)),
  );

  app.put(
    '/schedules/:scheduleId',
    {
      onRequest: context.guard('schedules:write'),
      schema: {
        tags,
        summary: 'Create or replace a schedule: its task starts once per cron time across all workers',
        params: scheduleParams,
        body: putScheduleBody,
        response: { 200: scheduleResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 503) },
      },
    },
    async (request) => {
      const { body } = request;
      const { scheduleId } = request.params;
      const principal = context.principal(request);
      principal.requireNamespace(body.task.namespace);
      const replaced = await context.withinStoreTimeout(
        engine.getSchedule(scheduleId).catch((error: unknown) => {
          if (error instanceof NotFoundError) return undefined;
          throw error;
        }),
      );
      // Replacing another namespace's schedule would take it over: refused as the namespace is.
      if (replaced) principal.requireNamespace(replaced.task.namespace);
      const { version, namespace, name } = body.task;
      const schedule = await context.withinStoreTimeout(
        engine
          .schedule({
            id: scheduleId,
            cron: body.cron,
            ...(body.timezone === undefined ? {} : { timezone: body.timezone }),
            task: {
              namespace,
              name,
              ...(version === undefined ? {} : { version }),
              context: body.task.context as JsonObject,
            },
            ...(body.catch_up === undefined ? {} : { catchUp: body.catch_up }),
            ...(body.overlap === undefined ? {} : { overlap: body.overlap }),
          })
          .catch((error: unknown) => {
            throw atRestField(error);
          }),
      );
      return scheduleJson(schedule);
    },
  );

  app.delete(
    '/schedules/:scheduleId',
    {
      onRequest: context.guard('schedules:write'),
      schema: {
        tags,
        summary: 'Delete a schedule: it fires no more; the tasks it started run on',
        params: scheduleParams,
        response: { 204: z.null(), ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      await visibleSchedule(request, request.params.scheduleId);
      await context.withinStoreTimeout(engine.unschedule(request.params.scheduleId));
      reply.code(204);
      return null;
    },
  );
};
