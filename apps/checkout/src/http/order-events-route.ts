import { isCustomEvent, isTaskTerminal, type Engine, type TaskView, type TransitionEvent } from '@tasker/core';
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

/** How many logged events of a settled task one read replays. */
const REPLAY_PAGE = 1_000;

/** Sends every logged transition of task `taskId`, oldest first. */
async function replay(engine: Engine, taskId: string, send: (event: TransitionEvent) => void): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const page = await engine.events.read({ taskId, limit: REPLAY_PAGE, ...(after === undefined ? {} : { after }) });
    for (const { event } of page) if (!isCustomEvent(event)) send(event);
    if (page.length < REPLAY_PAGE) return;
    after = page.at(-1)!.id;
  }
}

/**
 * `GET /orders/:task_id/events`: the order's steps live, as server-sent events. First a `snapshot` of the task,
 * then one `transition` per event of the task from its first (read from the store's event log, so a page that
 * subscribes late misses none, whichever worker ran them), and `end` once the task has settled.
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
      const task = await storeWait(engine.getTask(taskId)); // a missing task answers 404 before the stream opens
      reply.hijack();
      // Bounded: a browser that stops reading is dropped instead of its backlog growing in memory.
      const stream = new EventStream(reply.raw);
      const finish = () => {
        stream.send('end', {});
        stream.end();
      };
      open.add(finish);
      let unsubscribe = () => undefined as void;
      stream.onClose(() => {
        open.delete(finish);
        unsubscribe();
      });
      stream.send('snapshot', snapshotJson(task));
      // The log replays the task's transitions from its first, then follows it until the task settles. A task
      // settled already ends the stream after its replay, also when the log no longer holds its last event.
      const send = (event: TransitionEvent) => stream.send('transition', transitionJson(event));
      const failed = (error: unknown) => {
        // The answer has begun: the stream can only end, and the log says why.
        request.log.error({ err: error, task_id: taskId }, 'Order stream failed');
        stream.end();
      };
      if (isTaskTerminal(task.state)) {
        try {
          await replay(engine, taskId, send);
          finish();
        } catch (error) {
          failed(error);
        }
        return;
      }
      unsubscribe = feed.subscribe(
        taskId,
        (event) => {
          send(event);
          if (event.type.startsWith('task.') && isTaskTerminal(event.to as TaskView['state'])) finish();
        },
        failed,
      );
    },
  );
}
