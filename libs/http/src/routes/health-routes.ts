import { TASK_STATES, type TaskState } from '@tasker/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PERIODS } from '../analytics/periods.js';
import { isoTime } from '../json/time.js';
import type { RouteContext } from './route-context.js';

const tags = ['health'];

/** Liveness (open), readiness (the store answers) and status (tasks by state, workers and leases). */
export const healthRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, context) => {
  const { engine } = context;

  app.get('/health/live', { schema: { tags, summary: 'The process answers; needs no token' } }, async () => ({
    status: 'live',
  }));

  app.get(
    '/health/ready',
    { onRequest: context.guard('token'), schema: { tags, summary: 'The store answers a query' } },
    async () => {
      await context.withinStoreTimeout(engine.store.listTasks({ limit: 1 }));
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
      const activities = await context.withinStoreTimeout(
        engine.store.listActivity({ createdFrom: now - PERIODS['24h'], createdTo: now + 1 }),
      );
      const byState = Object.fromEntries(TASK_STATES.map((state) => [state, 0])) as Record<TaskState, number>;
      for (const { task } of activities) if (principal.sees(task.namespace)) byState[task.state]++;
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
