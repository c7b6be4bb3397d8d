import { TASK_STATES, type TaskState, type WriteHealth } from '@tasker/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PERIODS } from '../analytics/periods.js';
import { ApiError } from '../errors/api-error.js';
import { isoTime } from '../json/time.js';
import type { RouteContext } from './route-context.js';

const tags = ['health'];

/**
 * Why the engine is not ready to take work although its store may answer reads: its commits fail, or its writes
 * wait too long. A process in that state accepts tasks it cannot record, so a load balancer should send them
 * elsewhere.
 */
function writeProblem(health: WriteHealth, maxWriteAgeMs: number): string | undefined {
  if (health.failingSince !== undefined) {
    return `The engine's commits are failing since ${isoTime(health.failingSince)} (${health.consecutiveFailures} in a row)`;
  }
  if (health.oldestPendingWriteAgeMs > maxWriteAgeMs) {
    return `The engine's oldest pending write has waited ${health.oldestPendingWriteAgeMs} ms (more than ${maxWriteAgeMs} ms)`;
  }
  return undefined;
}

/** Liveness (open), readiness (commits succeed, the store answers) and status (tasks by state, workers and leases). */
export const healthRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, context) => {
  const { engine } = context;

  app.get('/health/live', { schema: { tags, summary: 'The process answers; needs no token' } }, async () => ({
    status: 'live',
  }));

  app.get(
    '/health/ready',
    {
      onRequest: context.guard('token'),
      schema: { tags, summary: "The engine's writes commit and the store answers a query" },
    },
    async () => {
      const unready = writeProblem(engine.writeHealth(), context.maxWriteAgeMs);
      if (unready) throw new ApiError('STORE_UNAVAILABLE', unready);
      await context.withinStoreTimeout(engine.listTasks({ limit: 1 }));
      return { status: 'ready', store: 'reachable' };
    },
  );

  app.get(
    '/health/status',
    {
      onRequest: context.guard('tasks:read'),
      schema: {
        tags,
        summary:
          "Tasks created in the last 24 hours by state, of the token's namespaces; with workers:read, this engine, " +
          'tasks waiting and workers with their leases',
      },
    },
    async (request) => {
      const principal = context.principal(request);
      const now = context.now();
      const figures = await context.withinStoreTimeout(
        engine.taskFigures({ createdFrom: now - PERIODS['24h'], createdTo: now + 1 }),
      );
      const byState = Object.fromEntries(TASK_STATES.map((state) => [state, 0])) as Record<TaskState, number>;
      for (const { namespace, state, count } of figures.byState) if (principal.sees(namespace)) byState[state] += count;
      const tasks = { generated_at: isoTime(now), window: '24h', tasks_by_state: byState };
      // Workers, leases and waiting tasks span every namespace: only a token trusted with the cluster sees them.
      if (!principal.may('workers:read')) return tasks;
      return {
        ...tasks,
        engine: {
          worker_id: engine.workerId,
          active_tasks: engine.activeTaskCount,
          held_leases: engine.heldLeaseCount,
        },
        waiting_tasks: await context.withinStoreTimeout(engine.countWaitingTasks()),
        workers: (await context.withinStoreTimeout(engine.listWorkers())).map((worker) => ({
          worker_id: worker.workerId,
          leases: worker.leases,
          first_lease_expiry: isoTime(worker.firstExpiry),
        })),
      };
    },
  );
};
