import { InvalidRequestError } from '@tasker/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiError } from '../errors/api-error.js';
import { invalidAt } from '../errors/invalid-at.js';
import { purgeReportJson } from '../json/purge-report-json.js';
import { errorResponses } from '../schemas/response-schemas.js';
import { purgeBody, purgeReportResponse } from '../schemas/purge-schemas.js';
import type { RouteContext } from './route-context.js';

/** The engine's refusal of `olderThan` or `states[1]` at the request's own field (`body.older_than`, `body.states.1`). */
function atRestField(error: unknown): unknown {
  if (!(error instanceof InvalidRequestError)) return error;
  const index = /^states\[(\d+)\]$/.exec(error.field)?.[1];
  const field =
    error.field === 'olderThan' ? 'body.older_than' : index === undefined ? undefined : `body.states.${index}`;
  return field === undefined ? error : invalidAt(field, error);
}

/** `POST /tasks/purge`: deletes finished tasks now (`engine.purgeFinishedTasks`), or counts them on a dry run. */
export const purgeRoute: FastifyPluginAsyncZod<RouteContext> = async (app, context) => {
  app.post(
    '/tasks/purge',
    {
      onRequest: context.guard('tasks:purge'),
      schema: {
        tags: ['tasks'],
        summary:
          "Delete finished tasks older than `older_than` (or by the engine's retention policy), archived as the " +
          'engine is configured; `dry_run` counts them. Needs a token of every namespace.',
        body: purgeBody,
        response: { 200: purgeReportResponse, ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      // A purge goes by age and state across the whole store, so only a token of every namespace may ask for one.
      if (context.principal(request).namespaces !== '*') {
        throw new ApiError('FORBIDDEN', 'A purge covers every namespace: it needs a token of all (*)');
      }
      const { dry_run: dryRun, older_than: olderThan, states } = request.body ?? {};
      // Not within the store timeout: a purge of many batches (paced by `retention.pauseMs`) takes as long as it
      // takes, and a 503 while it goes on would tell the client it had failed.
      const report = await context.engine
        .purgeFinishedTasks({
          ...(dryRun === undefined ? {} : { dryRun }),
          ...(olderThan === undefined ? {} : { olderThan }),
          ...(states === undefined ? {} : { states }),
        })
        .catch((error: unknown) => {
          throw atRestField(error);
        });
      return purgeReportJson(report);
    },
  );
};
