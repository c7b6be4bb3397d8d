import type { JsonCaps } from '../domain/check-json.js';
import { toJson } from './handler-result.js';
import type { JsonValue } from '../domain/json.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { PermanentError } from '../errors/permanent-error.js';
import type { CompensationContext } from '../handlers/compensation-context.js';
import type { StepContext, StepTaskInfo } from '../handlers/step-context.js';
import type { CompensationProcess, StepProcess } from '../handlers/handler-registry.js';
import type { AttemptInput, CompensationAttemptInput, MachineEnvironment } from '../machines/machine-environment.js';
import type { AnyActorRef } from 'xstate';
import type { WriteOutcome } from '../store/write-handle.js';
import { decisionProblem } from '../machines/decision.js';
import { runMap, type MapHost } from './map-runner.js';
import { AttemptControl } from './attempt-control.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { ActiveStep, ActiveTask } from './active-task.js';
import { Waiter } from '../waiting/waiter.js';
import { runWaitStep } from '../waiting/wait-step.js';

/** What the attempt runner needs from the engine. */
export interface AttemptHost {
  activeTask(taskId: string): ActiveTask | undefined;
  stepHandler(name: string): StepProcess | undefined;
  compensationHandler(name: string): CompensationProcess | undefined;
  logger: Logger;
  /** Where attempts' timeouts are timed: the engine's clock. */
  clock: Clock;
  /**
   * Whether the engine's lease on the task may have ended (it then drops the task): no handler starts without a
   * lease, so a worker that wakes from a freeze does not run a step another worker has taken over.
   */
  leaseLapsed(task: ActiveTask): boolean;
  /** Told when an attempt starts and ends, so that a stopping engine can wait for running handlers. */
  attemptStarted(): void;
  attemptEnded(): void;
  /** The caps on a handler's result (`checkJson`). */
  resultCaps: JsonCaps;
  /** How long a compensation waits for its step's stopped attempt to return before it runs anyway. */
  abortedHandlerGraceMs: number;
  /** Whether the template of `task` declares the signal `name` (a signal step's, or in `signals`). */
  declaresSignal(task: ActiveTask, name: string): boolean;
  /** What map steps' runs need of the engine. */
  map: MapHost;
  /** Emits a custom event a handler publishes (see {@link StepContext.publish}). */
  publish(task: ActiveTask, stepName: string, attempt: number, name: string, payload: unknown): void;
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
    return task.resultOf(name) as T;
  };
}

/**
 * Runs the attempts of the engine's steps outside XState: a step actor entering `in_progress` starts one
 * (`startAttempt`), leaving it stops it (`stopAttempt`), and the outcome comes back to the step actor as
 * `ATTEMPT_SUCCEEDED` or `ATTEMPT_FAILED`, unless the attempt was stopped first; a step with a timeout is sent
 * `TIMEOUT` when it runs out. A promise actor per attempt would cost an actor, a mailbox and an `AbortController`
 * per step (a fifth of the engine's CPU per step), and XState would restart it on restore, where the engine wants
 * the attempt counted as interrupted instead.
 */
export function createAttemptRunner(
  host: AttemptHost,
): Pick<MachineEnvironment, 'startAttempt' | 'startCompensation' | 'stopAttempt'> {
  return {
    startAttempt(input, step) {
      const task = host.activeTask(input.taskId);
      const settings = task?.steps.get(input.stepName)?.settings;
      const running = launch(
        host,
        task,
        input,
        step,
        // A map step's timeout is each item's.
        settings?.map ? undefined : settings?.timeoutMs,
        (active, definition, control) => {
          const waiter = attemptWaiter(host, active, input);
          const { wait } = definition.settings;
          if (wait) return () => runWaitStep(wait, waiter, active.info.context, input.stepName);
          const process = host.stepHandler(definition.handler);
          if (!process) return noHandler('step', definition.handler);
          if (definition.settings.map) {
            return () =>
              runMap(host.map, active, input.stepName, definition.settings, control, (item, index, attempt, own) =>
                Promise.resolve(
                  process(
                    stepContext(active, { ...input, attempt }, definition.config, own, host, waiter, { item, index }),
                  ),
                ),
              );
          }
          return () => process(stepContext(active, input, definition.config, control, host, waiter));
        },
      );
      task?.handlerRunning(input.stepName, running);
    },
    startCompensation(input, compensation) {
      const task = host.activeTask(input.taskId);
      const settings = task?.steps.get(input.stepName)?.settings.compensate;
      launch(host, task, input, compensation, settings?.timeoutMs, (active, definition, control) => {
        const handler = definition.settings.compensate?.handler ?? '';
        const compensate = host.compensationHandler(handler);
        if (!compensate) return noHandler('compensation', handler);
        // An aborted or timed-out attempt of the step may still be doing its work (a handler that ignores its signal):
        // undoing it before it ends could refund a charge that lands afterwards.
        const previous = active.handlerSettled(input.stepName);
        const run = () => compensate(compensationContext(active, input, definition.config, control, host));
        return previous
          ? () => settledWithin(previous, host, control, input).then(() => (control.stopped ? null : run()))
          : run;
      });
    },
    stopAttempt(taskId, stepName, reason) {
      host.activeTask(taskId)?.stopAttempt(stepName, reason);
    },
  };
}

const RESTORED: PromiseLike<WriteOutcome> = Promise.resolve({ durable: true });

/** A handler call the attempt makes, or the error that fails it when its handler is missing. */
type HandlerCall = (() => unknown) | PermanentError;

function noHandler(kind: 'step' | 'compensation', name: string): PermanentError {
  return new PermanentError(`No ${kind} handler '${name}' is registered in this engine`, { code: 'INVALID_HANDLER' });
}

/**
 * Starts one attempt (of a step or of its compensation) and tells `actor` how it ended, with its timer armed when
 * it has a timeout. Resolves once the attempt's handler has returned or thrown, even after the attempt was stopped.
 */
function launch(
  host: AttemptHost,
  task: ActiveTask | undefined,
  input: AttemptInput,
  actor: AnyActorRef,
  timeoutMs: number | undefined,
  call: (task: ActiveTask, step: ActiveStep, control: AttemptControl) => HandlerCall,
): Promise<unknown> {
  const control = new AttemptControl();
  // The actor recorded its start just before starting the attempt: the task's latest write is that start. A retried
  // compensation records nothing before its attempt: a task restored into one has written nothing yet, and what it
  // was restored from is durable.
  const start = task?.lastWrite ?? (task ? RESTORED : undefined);
  task?.attemptStarted(input.stepName, control);
  if (timeoutMs !== undefined) {
    const timer = host.clock.setTimeout(() => actor.send({ type: 'TIMEOUT' }), timeoutMs);
    control.onStop(() => host.clock.clearTimeout(timer));
  }
  return runAttempt(host, task, start, input, control, call).then(
    (results) => control.stopped || actor.send({ type: 'ATTEMPT_SUCCEEDED', results }),
    (error: unknown) => control.stopped || actor.send({ type: 'ATTEMPT_FAILED', error }),
  );
}

/** One attempt of a handler, once the attempt's start is durable. */
async function runAttempt(
  host: AttemptHost,
  task: ActiveTask | undefined,
  start: PromiseLike<WriteOutcome> | undefined,
  input: AttemptInput,
  control: AttemptControl,
  call: (task: ActiveTask, step: ActiveStep, control: AttemptControl) => HandlerCall,
): Promise<JsonValue> {
  const step = task?.steps.get(input.stepName);
  if (!task || !step || !start)
    throw new PermanentError(`Task ${input.taskId} has no running step '${input.stepName}'`);
  // Counted from here, so that a stopping engine's grace period covers an attempt still waiting for its start.
  host.attemptStarted();
  try {
    // No handler runs on a start that a crash could lose: wait for it to be durable (or the attempt stopped). A start
    // that is not durable drops the task, which stops its attempts; stopped here too, so that no outcome is sent.
    if (!(await durableUnlessStopped(start, control))) {
      control.stop();
      return null;
    }
    const handler = call(task, step, control);
    if (handler instanceof PermanentError) throw handler;
    // The task's actor is stopped by then, so this outcome reaches no one.
    if (host.leaseLapsed(task)) return null;
    const result = toJson(await handler(), host.resultCaps);
    const problem = step.settings.decision ? decisionProblem(task, input.stepName, result) : undefined;
    // The same handler would decide the same again: retrying cannot help.
    if (problem) throw new PermanentError(problem, { code: 'INVALID_DECISION' });
    return result;
  } finally {
    host.attemptEnded();
  }
}

/**
 * Resolves with whether the write that starts the attempt is durable, or with `false` as soon as the attempt is
 * stopped.
 */
function durableUnlessStopped(start: PromiseLike<WriteOutcome>, control: AttemptControl): Promise<boolean> {
  return new Promise((resolve) => {
    const forgetStop = control.onStop(() => resolve(false));
    start.then((outcome) => {
      forgetStop();
      resolve(outcome.durable && !control.stopped);
    });
  });
}

/**
 * Resolves once `handler` (a stopped attempt's) returns, or after the host's grace period, whichever comes first;
 * a handler still running then is logged, and its step is undone anyway.
 */
function settledWithin(
  handler: Promise<unknown>,
  host: AttemptHost,
  control: AttemptControl,
  input: AttemptInput,
): Promise<void> {
  return new Promise((resolve) => {
    const timer = host.clock.setTimeout(() => {
      host.logger.warn(
        { taskId: input.taskId, step: input.stepName, graceMs: host.abortedHandlerGraceMs },
        'compensating a step whose aborted attempt is still running (its handler ignores its signal)',
      );
      resolve();
    }, host.abortedHandlerGraceMs);
    const done = () => {
      host.clock.clearTimeout(timer);
      resolve();
    };
    control.onStop(done);
    void handler.then(done);
  });
}

/** What a step or compensation handler is told of its task. */
function handlerTaskInfo({ info }: ActiveTask): StepTaskInfo {
  const { taskId: id, namespace, name, version, context, correlationId } = info;
  return { id, namespace, name, version, context, correlationId };
}

/** The waits of one attempt of a step of `task` (see {@link Waiter}). */
/** The logger a handler gets: every line names the task, its correlation id, the step and which try this is. */
function handlerLogger(task: ActiveTask, host: AttemptHost, stepName: string, tryFields: Record<string, number>) {
  const { taskId, correlationId } = task.info;
  return host.logger.child({ taskId, correlationId, step: stepName, ...tryFields });
}

function attemptWaiter(host: AttemptHost, task: ActiveTask, input: AttemptInput): Waiter {
  return new Waiter({
    stepName: input.stepName,
    now: () => host.clock.now(),
    waitSince: input.waitSince,
    signal: (name) => task.signalOf(name),
    declares: (name) => host.declaresSignal(task, name),
  });
}

/** What a handler gets for one attempt. */
function stepContext(
  task: ActiveTask,
  input: AttemptInput,
  config: StepContext['step']['config'],
  control: AttemptControl,
  host: AttemptHost,
  waiter: Waiter,
  mapped?: { item: JsonValue; index: number },
): StepContext {
  const { info } = task;
  return {
    task: handlerTaskInfo(task),
    step: { name: input.stepName, attempt: input.attempt, config },
    results: resultsReader(task, input.stepName),
    idempotencyKey:
      mapped === undefined ? `${info.taskId}:${input.stepName}` : `${info.taskId}:${input.stepName}:${mapped.index}`,
    ...mapped,
    get signal() {
      return control.signal;
    },
    log: handlerLogger(task, host, input.stepName, { attempt: input.attempt }),
    publish: (name, payload) => host.publish(task, input.stepName, input.attempt, name, payload),
    waitForSignal: <T>(name: string, options: { timeoutMs?: number } = {}) =>
      new Promise<T>((resolve) => resolve(waiter.signal(name, options.timeoutMs) as T)),
  };
}

/** What a compensation handler gets for one attempt. */
function compensationContext(
  task: ActiveTask,
  input: CompensationAttemptInput,
  config: CompensationContext['step']['config'],
  control: AttemptControl,
  host: AttemptHost,
): CompensationContext {
  const { info } = task;
  return {
    task: handlerTaskInfo(task),
    step: {
      name: input.stepName,
      outcome: input.outcome,
      results: task.resultOf(input.stepName),
      attempts: input.stepAttempts,
      config,
    },
    reason: input.reason,
    idempotencyKey: `${info.taskId}:${input.stepName}:compensate`,
    attempt: input.attempt,
    get signal() {
      return control.signal;
    },
    log: handlerLogger(task, host, input.stepName, { compensation: input.attempt }),
  };
}
