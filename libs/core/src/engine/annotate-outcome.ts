import { checkJson, checkString, type JsonCaps } from '../domain/check-json.js';
import type { JsonValue } from '../domain/json.js';
import type { AnnotationRecord } from '../domain/records.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import type { HandlerRegistry } from '../handlers/handler-registry.js';
import type { StepSummary } from '../handlers/task-handler.js';
import type { TaskWrite } from '../store/task-store.js';
import type { ActiveTask } from './active-task.js';
import type { Logger } from '../ports/logger.js';

/** Whether `write` records the outcome of a task whose template has a task handler. */
export function needsAnnotations(task: ActiveTask, write: TaskWrite): boolean {
  const state = write.task?.state;
  return (
    task.info.taskHandler !== undefined &&
    (state === 'completed' || state === 'failed' || state === 'resolved_manually')
  );
}

/**
 * Adds the annotations of the task handler's `updateAnnotations` hook to the write that records the task's
 * outcome (`completed`, `failed` or `resolved_manually`), so they are stored with it. A hook that throws is
 * logged and adds nothing: analytics never fail a task. `annotate` refuses content that breaks the engine's JSON rule
 * (`checkJson`) with an `InvalidRequestError` naming the path, which the hook may catch.
 */
export async function annotateOutcome(
  task: ActiveTask,
  write: TaskWrite,
  handlers: HandlerRegistry,
  logger: Logger,
  caps: JsonCaps,
): Promise<TaskWrite> {
  const state = write.task?.state;
  const handlerName = task.info.taskHandler;
  const handler = handlerName === undefined ? undefined : handlers.taskHandler(handlerName);
  if (!handler || !needsAnnotations(task, write)) return write;
  const createdAt = write.task?.updatedAt ?? Date.now();
  const annotations: AnnotationRecord[] = [];
  const steps: StepSummary[] = Object.entries(task.actor.getSnapshot().context.steps).map(([name, step]) => {
    const results = task.resultOf(name);
    return {
      name,
      state: step.state,
      attempts: step.attempts,
      ...(results === undefined ? {} : { results }),
      ...(step.error ? { error: step.error } : {}),
      ...(step.durationMs === undefined ? {} : { durationMs: step.durationMs }),
    };
  });
  const { taskId, namespace, name, version, correlationId, context } = task.info;
  try {
    await handler.updateAnnotations(
      {
        id: taskId,
        namespace,
        name,
        version,
        correlationId,
        context: structuredClone(context),
        state: state!,
        annotate: (type: string, content: JsonValue) => {
          const at = `annotations[${annotations.length}]`;
          if (typeof type !== 'string') throw new InvalidRequestError(`${at}.type`, 'must be a string');
          checkString(`${at}.type`, type);
          // Checked before the clone: a value nested thousands deep would overflow structuredClone.
          checkJson(content, `${at}.content`, caps);
          annotations.push({ taskId, type, content: structuredClone(content), createdAt });
        },
      },
      steps,
    );
  } catch (error) {
    logger.error({ err: error, taskId, handler: handlerName }, 'updateAnnotations failed; no annotations recorded');
    return write;
  }
  return annotations.length === 0 ? write : { ...write, annotations: [...(write.annotations ?? []), ...annotations] };
}
