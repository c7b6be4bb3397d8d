import { isTaskTerminal, type Engine, type TaskView, type TransitionEvent } from '@tasker/core';
import { EventStream } from '@tasker/http';
import type { FastifyInstance } from 'fastify';
import type { StoreWait } from './store-wait.js';
import { taskIdParams } from './task-id-params.js';
import type { TaskEventFeed } from './task-event-feed.js';

/** The task as the storefront draws it: its state and each step's state, attempts and latest error. */
function snapshotJson(task: TaskView) {
  const steps = task.steps.map((step) => ({
    name: step.name,
    state: step.state,
    attempts: step.attempts,
    error: step.errorMessage ?? null,
  }));
  return { state: task.state, steps };
}

/** A transition as the storefront shows it; retries carry the error and when the next attempt starts. */
function transitionJson(event: TransitionEvent) {
  const { type, from, to } = event;
  const step = 'stepName' in event ? { step_name: event.stepName, attempt: event.attempt } : undefined;
  const retry = {
    error: ('error' in event ? event.error?.message : undefined) ?? null,
    next_retry_at: (event.type === 'step.retry_scheduled' ? event.nextRetryAt : undefined) ?? null,
  };
  return { type, step_name: step?.step_name ?? null, from, to, attempt: step?.attempt ?? null, ...retry };
}

/**
 * `GET /orders/:task_id/events`: the order's steps live, as server-sent events. First a `snapshot` of the task,
 * then one `transition` per engine event of the task, and `end` once the task has settled.
 */
export function orderEventsRoute(
  app: FastifyInstance,
  engine: Engine,
  feed: TaskEventFeed,
  storeWait: StoreWait,
): void {
  const open = new Set<() => void>();
  // A stream stays open while its order runs; closing the server ends them before it waits for open connections
  // (preClose: an onClose hook runs only after that wait, which the streams themselves would hold forever).
  app.addHook('preClose', async () => open.forEach((finish) => finish()));
  app.get<{ Params: { task_id: string } }>(
    '/orders/:task_id/events',
    { schema: { params: taskIdParams } },
    async (request, reply) => {
      const taskId = request.params.task_id;
      await storeWait(engine.getTask(taskId)); // a missing task answers 404 before the stream opens
      reply.hijack();
      // Bounded: a browser that stops reading is dropped instead of its backlog growing in memory.
      const stream = new EventStream(reply.raw);
      const finish = () => {
        stream.send('end', {});
        stream.end();
      };
      open.add(finish);
      // Subscribed before the snapshot is read, so no event falls between the two.
      const unsubscribe = feed.subscribe(taskId, (event) => {
        stream.send('transition', transitionJson(event));
        if (event.type.startsWith('task.') && isTaskTerminal(event.to as TaskView['state'])) finish();
      });
      stream.onClose(() => {
        open.delete(finish);
        unsubscribe();
      });
      try {
        const task = await storeWait(engine.getTask(taskId));
        stream.send('snapshot', snapshotJson(task));
        if (isTaskTerminal(task.state)) finish();
      } catch (error) {
        // The answer has begun: the stream can only end, and the log says why.
        request.log.error({ err: error, task_id: taskId }, 'Order stream failed');
        stream.end();
      }
    },
  );
}
