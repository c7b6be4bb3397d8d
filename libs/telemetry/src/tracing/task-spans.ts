import {
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type HrTime,
  type Span,
  type SpanStatus,
  type Tracer,
} from '@opentelemetry/api';
import type { EngineEvent, StepError, StepEvent, TaskEvent } from '@tasker/core';
import {
  ATTR,
  durationOf,
  errorAttributes,
  errorOf,
  outcomeOf,
  stepErrorAttributes,
  taskAttributes,
} from '../attributes.js';
import { contextFromCarrier } from './w3c-carrier.js';

/** Engine times (milliseconds since the epoch) as OpenTelemetry's exact `[seconds, nanoseconds]`. */
function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/** A span's status for an outcome: errors carry the error's message. */
function spanStatus(code: SpanStatusCode, event: EngineEvent): SpanStatus {
  return code === SpanStatusCode.ERROR ? { code, message: errorOf(event)?.message ?? event.to } : { code };
}

/** The step whose failure failed a task, and its error. */
interface StepFailure {
  stepName: string;
  error: StepError;
}

/** A task run this process is tracing: its span, the context its step spans are children of, its open attempts. */
interface OpenTask {
  span: Span;
  /** The task's attributes, which every span of the run repeats. */
  attributes: Record<string, string>;
  context: Context;
  attempts: Map<string, Span>;
  /** The last step that failed for good in this run: `task.failed` names no step, and carries no step's error. */
  failure?: StepFailure;
}

/** Step outcomes that end an attempt, with the status they give its span. */
const ATTEMPT_ENDS: Partial<Record<EngineEvent['type'], SpanStatusCode>> = {
  'step.completed': SpanStatusCode.OK,
  'step.resolved_manually': SpanStatusCode.OK,
  'step.retry_scheduled': SpanStatusCode.ERROR,
  'step.failed': SpanStatusCode.ERROR,
  'step.cancelled': SpanStatusCode.UNSET,
  'step.compensated': SpanStatusCode.OK,
  'step.compensation_failed': SpanStatusCode.ERROR,
};

/** Task outcomes, with the status they give the run's span. */
const TASK_ENDS: Partial<Record<EngineEvent['type'], SpanStatusCode>> = {
  'task.completed': SpanStatusCode.OK,
  'task.resolved_manually': SpanStatusCode.OK,
  'task.failed': SpanStatusCode.ERROR,
  'task.cancelled': SpanStatusCode.UNSET,
  'task.compensation_failed': SpanStatusCode.ERROR,
};

/**
 * Turns engine events into spans with the events' own times: a span `task <namespace>/<name>` per task run (from
 * `task.started` or `task.resumed`, or the first event of a task this process took over) to its outcome, a child
 * span `step <name>` per attempt. A run's parent is the trace context stored with the task, so the runs of one
 * task in every process share one trace. Moves that are no attempt (a step reset, or resolved or cancelled while
 * not running) are events of the run's span.
 */
export class TaskSpans {
  readonly #tracer: Tracer;
  readonly #tasks = new Map<string, OpenTask>();

  constructor(tracer: Tracer) {
    this.#tracer = tracer;
  }

  /** Records one engine event. */
  record(event: EngineEvent): void {
    if ('stepName' in event) this.#recordStep(event);
    else this.#recordTask(event);
  }

  /** Ends every span still open at `at` with the outcome `interrupted`: this process stops following them. */
  endAll(at: number): void {
    for (const task of this.#tasks.values()) {
      for (const span of task.attempts.values()) span.setAttribute(ATTR.outcome, 'interrupted').end(hrTime(at));
      task.span.setAttribute(ATTR.outcome, 'interrupted').end(hrTime(at));
    }
    this.#tasks.clear();
  }

  #recordTask(event: TaskEvent): void {
    const status = TASK_ENDS[event.type];
    if (status === undefined) {
      this.#open(event, event.at);
      return;
    }
    const task = this.#open(event, event.at);
    for (const span of task.attempts.values()) span.setAttribute(ATTR.outcome, event.to).end(hrTime(event.at));
    task.span.setAttributes({ [ATTR.outcome]: outcomeOf(event), ...errorAttributes(event) });
    task.span.setStatus(spanStatus(status, event));
    if (event.type === 'task.failed' && !event.error && task.failure) this.#recordFailure(task, task.failure, event.at);
    task.span.end(hrTime(event.at));
    this.#tasks.delete(event.taskId);
  }

  #recordStep(event: StepEvent): void {
    const { stepName } = event;
    const durationMs = durationOf(event);
    const task = this.#open(event, event.at - (durationMs ?? 0));
    if (event.type === 'step.started' || event.type === 'step.compensating') {
      task.attempts.get(stepName)?.end(hrTime(event.at));
      task.attempts.set(stepName, this.#startAttempt(event, stepName, task, event.at));
      return;
    }
    const status = ATTEMPT_ENDS[event.type];
    const running = task.attempts.get(stepName);
    const attempt =
      running ??
      (durationMs === undefined || status === undefined
        ? undefined
        : this.#startAttempt(event, stepName, task, event.at - durationMs));
    if (status === undefined || attempt === undefined) {
      task.span.addEvent(event.type, { [ATTR.stepName]: stepName, ...errorAttributes(event) }, hrTime(event.at));
      return;
    }
    if (event.type === 'step.failed' && event.error) task.failure = { stepName, error: event.error };
    attempt.setAttributes({ [ATTR.outcome]: outcomeOf(event), ...errorAttributes(event) });
    attempt.setStatus(spanStatus(status, event));
    attempt.end(hrTime(event.at));
    task.attempts.delete(stepName);
  }

  /** Puts the failing step's error on a failed run's span: in its status, its attributes and an `exception` event. */
  #recordFailure(task: OpenTask, { stepName, error }: StepFailure, at: number): void {
    task.span.setStatus({ code: SpanStatusCode.ERROR, message: `step ${stepName} failed: ${error.message}` });
    task.span.setAttributes({ [ATTR.stepName]: stepName, ...stepErrorAttributes(error) });
    task.span.recordException({ name: error.name, message: error.message }, hrTime(at));
  }

  /** The run of the event's task that this process traces, started at `at` when there is none yet. */
  #open(event: EngineEvent, at: number): OpenTask {
    let task = this.#tasks.get(event.taskId);
    if (!task) {
      const parent = contextFromCarrier(event.traceContext);
      const attributes = taskAttributes(event);
      const span = this.#tracer.startSpan(
        `task ${event.namespace}/${event.name}`,
        { kind: SpanKind.INTERNAL, startTime: hrTime(at), attributes },
        parent,
      );
      task = { span, attributes, context: trace.setSpan(parent, span), attempts: new Map() };
      this.#tasks.set(event.taskId, task);
    }
    return task;
  }

  /** A span `step <name>` for an attempt, `compensate <name>` for the undoing of a step (all its attempts). */
  #startAttempt(event: StepEvent, stepName: string, task: OpenTask, at: number): Span {
    return this.#tracer.startSpan(
      `${event.type === 'step.compensating' ? 'compensate' : 'step'} ${stepName}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: hrTime(at),
        attributes: { ...task.attributes, [ATTR.stepName]: stepName, [ATTR.attempt]: event.attempt },
      },
      task.context,
    );
  }
}
