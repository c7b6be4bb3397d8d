import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { NotFoundError } from '@tasker/core';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { createAuthenticator } from './auth/authenticator.js';
import { Principal } from './auth/principal.js';
import { ApiError } from './errors/api-error.js';
import { dashboardRoutes } from './dashboard/dashboard-routes.js';
import { errorBody, toApiError } from './errors/to-api-error.js';
import { withinStoreTimeout } from './errors/within-store-timeout.js';
import { findDuplicateKey } from './json/duplicate-key.js';
import { DEFAULT_STREAM_BUFFER_BYTES } from './sse/event-stream.js';
import { analyticsRoutes } from './routes/analytics-routes.js';
import { eventsRoutes } from './routes/events-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { webhooksRoutes } from './routes/webhooks-routes.js';
import { metricsRoute } from './routes/metrics-route.js';
import type { RouteContext } from './routes/route-context.js';
import { stepsRoutes } from './routes/steps-routes.js';
import { signalsRoutes } from './routes/signals-routes.js';
import { tasksRoutes } from './routes/tasks-routes.js';
import { purgeRoute } from './routes/purge-route.js';
import { schedulesRoutes } from './routes/schedules-routes.js';
import { templatesRoutes } from './routes/templates-routes.js';
import { checkOptions, type TaskerApiOptions } from './tasker-api-options.js';

const ONE_MIB = 1_048_576;

/**
 * Tasker's REST API as a fastify 5 plugin: tasks, steps, templates, health, live events and analytics, JSON in
 * snake_case, every input checked by a zod schema, described by OpenAPI at `<prefix>/docs`, with the operator
 * dashboard at `<prefix>/ui`. Register it with a
 * prefix; it keeps its validators, error handler and hooks to itself (it is not wrapped in `fastify-plugin`), so
 * the rest of the app is untouched.
 *
 * Errors answer `{ error: { code, message, fields? } }` with one status per code (`API_ERROR_STATUS`).
 *
 * @example
 * const app = Fastify({ logger: true });
 * await app.register(taskerApi, {
 *   prefix: '/tasker',
 *   engine,
 *   auth: { secret: process.env.TASKER_JWT_SECRET! }, // or { jwksUrl }, { publicKey, algorithm }, { disabled: true }
 * });
 * await app.listen({ port: 3000 });
 * // curl -H "Authorization: Bearer $TOKEN" localhost:3000/tasker/tasks/<id>
 */
export const taskerApi: FastifyPluginAsync<TaskerApiOptions> = async (app, options) => {
  checkOptions(options);
  const { engine } = options;
  const authenticate = await createAuthenticator(options.auth);
  const storeTimeoutMs = options.storeTimeoutMs ?? 10_000;
  const principals = new WeakMap<FastifyRequest, Principal>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error);
    // A 5xx tells the client nothing of its cause but the request's id: the cause is logged with it.
    if (apiError.code === 'INTERNAL_ERROR') request.log.error({ err: error }, 'tasker API request failed');
    else if (apiError.status >= 500) request.log.warn({ err: error }, 'tasker API request failed');
    return reply.code(apiError.status).send(errorBody(apiError, request.id));
  });
  app.setNotFoundHandler(() => {
    throw new ApiError('NOT_FOUND', 'No such route');
  });

  const context: RouteContext = {
    engine,
    guard: (permission) => async (request) => {
      const principal = await authenticate(request.headers.authorization);
      if (permission !== 'token') principal.require(permission);
      principals.set(request, principal);
    },
    principal: (request) => principals.get(request) ?? Principal.unrestricted(),
    withinStoreTimeout: (work) => withinStoreTimeout(work, storeTimeoutMs),
    visibleTask: async (request, taskId) => {
      const task = await context.withinStoreTimeout(engine.getTask(taskId));
      // Answered exactly like a missing task, so that a token cannot tell which ids exist in other namespaces.
      if (!context.principal(request).sees(task.namespace))
        throw new NotFoundError('TASK_NOT_FOUND', `No task ${taskId}`);
      return task;
    },
    taskCreationLimit:
      options.rateLimit === false
        ? false
        : { max: options.rateLimit?.max ?? 100, timeWindow: options.rateLimit?.timeWindowMs ?? 60_000 },
    now: options.now ?? Date.now,
    mountPath: app.prefix,
    maxWriteAgeMs: options.readiness?.maxWriteAgeMs ?? 30_000,
    metrics: options.metrics,
    streamBufferBytes: options.streamBufferBytes ?? DEFAULT_STREAM_BUFFER_BYTES,
  };

  if (context.taskCreationLimit) {
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, { after }) =>
        new ApiError('RATE_LIMITED', `Too many task requests; try again in ${after}`),
    });
  }
  if (options.docs !== false) {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'Tasker REST API',
          version: '1.0.0',
          description: 'Tasks, steps, templates, health, events, analytics',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ bearer: [] }],
      },
      transform: jsonSchemaTransform,
    });
    // Without indexPrefix the page at `<prefix>/docs` (no trailing slash) links its assets as `/docs/static/...`,
    // outside the mount path, and renders blank; the slash form links them relatively and works either way.
    await app.register(swaggerUi, { routePrefix: '/docs', indexPrefix: app.prefix });
  }

  // JSON only (anything else is 415), with fastify's parser (prototype poisoning refused) and this API's limit.
  app.removeAllContentTypeParsers();
  // Duplicate keys are refused too: which of them counts would depend on the parser.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: options.bodyLimitBytes ?? ONE_MIB },
    (request, body, done) => {
      const text = body as string; // parseAs: 'string'
      parseJson(request, text, (error, value) => {
        if (error) return done(error, undefined);
        const duplicate = findDuplicateKey(text);
        if (duplicate === undefined) return done(null, value);
        const message = `key ${JSON.stringify(duplicate)} appears twice in one object`;
        done(new ApiError('INVALID_REQUEST', `body: ${message}`, [{ field: 'body', message }]), undefined);
      });
    },
  );
  for (const routes of [
    tasksRoutes,
    purgeRoute,
    stepsRoutes,
    signalsRoutes,
    templatesRoutes,
    healthRoutes,
    eventsRoutes,
    analyticsRoutes,
    metricsRoute,
    webhooksRoutes,
    schedulesRoutes,
  ]) {
    await app.register(routes, context);
  }
  if (options.dashboard !== false) {
    await app.register(dashboardRoutes, {
      apiBase: app.prefix,
      auth: !('disabled' in options.auth),
      traceUrl: (typeof options.dashboard === 'object' ? options.dashboard.traceUrl : undefined) ?? null,
    });
  }
};
