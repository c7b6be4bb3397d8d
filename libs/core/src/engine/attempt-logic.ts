import { fromPromise } from 'xstate';
import { copyJson } from '../domain/copy-json.js';
import type { JsonValue } from '../domain/json.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { PermanentError } from '../errors/permanent-error.js';
import type { StepContext } from '../handlers/step-context.js';
import type { StepProcess } from '../handlers/handler-registry.js';
import type { AttemptInput } from '../machines/machine-environment.js';
import type { Logger } from './logger.js';
import type { ActiveTask } from './active-task.js';

/** What the attempt actor needs from the engine. */
export interface AttemptHost {
  activeTask(taskId: string): ActiveTask | undefined;
  stepHandler(name: string): StepProcess | undefined;
  logger: Logger;
  /**
   * Whether the engine's lease on the task may have ended (it then drops the task): no handler starts without a
   * lease, so a worker that wakes from a freeze does not run a step another worker has taken over.
   */
  leaseLapsed(task: ActiveTask): boolean;
  /** Told when an attempt starts and ends, so that a stopping engine can wait for running handlers. */
  attemptStarted(): void;
  attemptEnded(): void;
}

/** The handler's result as JSON, as a JSON round trip makes it; `undefined` becomes `null`. */
function toJson(value: unknown): JsonValue {
  return value === undefined ? null : copyJson(value);
}

function resultsReader(task: ActiveTask, stepName: string) {
  return <T>(name: string): T => {
    // Found on first use: most handlers read no results.
    if (!task.ancestorsOf(stepName).has(name)) {
      throw new InvalidRequestError(
        'results',
        `step '${stepName}' does not depend on '${name}', so it cannot read its result`,
      );
    }
    return task.actor.getSnapshot().context.steps[name]?.results as T;
  };
}

/**
 * The promise actor that runs one attempt of a step's handler with the step's context, once the attempt's start is
 * durable. It starts one microtask late: XState restarts the promise of a restored actor, and the engine tells that
 * actor it was interrupted (the RESUME event) first, which aborts the signal before any user code runs.
 */
export function createAttemptLogic(host: AttemptHost) {
  return fromPromise<JsonValue, AttemptInput>(async ({ input, signal }) => {
    await Promise.resolve();
    if (signal.aborted) return null;
    const task = host.activeTask(input.taskId);
    const step = task?.steps.get(input.stepName);
    if (!task || !step) throw new PermanentError(`Task ${input.taskId} has no running step '${input.stepName}'`);
    // Counted from here, so that a stopping engine's grace period covers an attempt still waiting for its start.
    host.attemptStarted();
    try {
      // No handler runs on a start that a crash could lose: wait for it to be durable (or the attempt stopped).
      await startCommitted(task, input, signal);
      if (signal.aborted) return null;
      const process = host.stepHandler(step.handler);
      if (!process) {
        throw new PermanentError(`No step handler '${step.handler}' is registered in this engine`, {
          code: 'INVALID_HANDLER',
        });
      }
      // The task's actor is stopped by then, so this outcome reaches no one.
      if (host.leaseLapsed(task)) return null;
      return toJson(await process(stepContext(task, input, step.config, signal, host)));
    } finally {
      host.attemptEnded();
    }
  });
}

/**
 * Resolves once the write that starts this attempt is durable, or the attempt is stopped (its task dropped,
 * interrupted or cancelled). The start was queued on entering `in_progress`, and a batch commits a macrotask later at
 * the earliest, so the watcher is in place before the commit it waits for.
 */
function startCommitted(task: ActiveTask, input: AttemptInput, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const stopWaiting = task.awaitWrite(
      (write) =>
        write.steps?.some(
          (patch) =>
            patch.name === input.stepName && patch.state === 'in_progress' && (patch.attempts ?? 0) >= input.attempt,
        ) ?? false,
      resolve,
    );
    signal.addEventListener(
      'abort',
      () => {
        stopWaiting();
        resolve();
      },
      { once: true },
    );
  });
}

/** What a handler gets for one attempt. */
function stepContext(
  task: ActiveTask,
  input: AttemptInput,
  config: StepContext['step']['config'],
  signal: AbortSignal,
  host: AttemptHost,
): StepContext {
  const { info } = task;
  return {
    task: {
      id: info.taskId,
      namespace: info.namespace,
      name: info.name,
      version: info.version,
      context: info.context,
      correlationId: info.correlationId,
    },
    step: { name: input.stepName, attempt: input.attempt, config },
    results: resultsReader(task, input.stepName),
    idempotencyKey: `${info.taskId}:${input.stepName}`,
    signal,
    log: host.logger.child({
      taskId: info.taskId,
      correlationId: info.correlationId,
      step: input.stepName,
      attempt: input.attempt,
    }),
  };
}
