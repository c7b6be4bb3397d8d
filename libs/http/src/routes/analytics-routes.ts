import type { ActivityFilter } from '@tasker/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bottlenecksOf } from '../analytics/bottlenecks.js';
import { performanceOf } from '../analytics/performance.js';
import { PERIOD_NAMES, PERIODS, type PeriodName } from '../analytics/periods.js';
import { isoTime } from '../json/time.js';
import { templateQuery } from '../schemas/common-schemas.js';
import type { RouteContext } from './route-context.js';

const tags = ['analytics'];

const PERFORMANCE_PERIODS: PeriodName[] = ['1h', '4h', '24h'];

/** Performance and bottlenecks, from the figures the store computes over the window's tasks. */
export const analyticsRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, context) => {
  /** The store's filter for the tasks created in the last `period`, of the query's template, within the token's namespaces. */
  const windowOf = (
    request: Parameters<RouteContext['principal']>[0],
    query: z.infer<typeof templateQuery>,
    period: PeriodName,
    now: number,
  ): ActivityFilter => {
    const namespace = context.principal(request).scopeNamespace(query.namespace);
    return {
      createdFrom: now - PERIODS[period],
      createdTo: now + 1,
      ...(namespace === undefined ? {} : { namespace }),
      ...(query.task_name === undefined ? {} : { name: query.task_name }),
      ...(query.version === undefined ? {} : { version: query.version }),
    };
  };
  const filterOf = (query: z.infer<typeof templateQuery>) => ({
    namespace: query.namespace ?? null,
    task_name: query.task_name ?? null,
    version: query.version ?? null,
  });

  app.get(
    '/analytics/performance',
    {
      onRequest: context.guard('analytics:read'),
      schema: {
        tags,
        summary: 'Throughput, completion and error rates, durations and health score over 1h, 4h and 24h',
        querystring: templateQuery.strict(),
      },
    },
    async (request) => {
      const now = context.now();
      const figures = await context.withinStoreTimeout(
        Promise.all(
          PERFORMANCE_PERIODS.map((period) =>
            context.engine.taskFigures(windowOf(request, request.query, period, now)),
          ),
        ),
      );
      const periods = Object.fromEntries(
        PERFORMANCE_PERIODS.map((period, index) => [period, performanceOf(figures[index]!, period)]),
      );
      return {
        generated_at: isoTime(now),
        filter: filterOf(request.query),
        system_health_score: periods['24h']!.health_score,
        periods,
      };
    },
  );

  app.get(
    '/analytics/bottlenecks',
    {
      onRequest: context.guard('analytics:read'),
      schema: {
        tags,
        summary: 'Slowest steps and templates (p50/p95/p99), retry rates and most common errors per step',
        querystring: templateQuery
          .extend({
            period: z.enum(PERIOD_NAMES).default('24h'),
            limit: z.coerce.number().int().min(1).max(100).default(10),
          })
          .strict(),
      },
    },
    async (request) => {
      const { period, limit } = request.query;
      const now = context.now();
      const figures = await context.withinStoreTimeout(
        context.engine.stepFigures(windowOf(request, request.query, period, now)),
      );
      return {
        generated_at: isoTime(now),
        period,
        filter: filterOf(request.query),
        tasks_analyzed: figures.tasks,
        ...bottlenecksOf(figures, limit),
      };
    },
  );
};
