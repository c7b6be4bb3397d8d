import { SpanKind, context, trace } from '@opentelemetry/api';
import type { StartTrace } from '@tasker/core';
import { ATTR } from '../attributes.js';
import { taskerTracer, type TracingOptions } from './tracer.js';
import { carrierOf, contextFromCarrier } from './w3c-carrier.js';

/**
 * The `startTrace` hook for `createEngine`: records a task's creation as a span `create <namespace>/<name>` of the
 * caller's trace (the request's `traceContext`, else the span active where `runTask` was called, else a new trace)
 * and stores that span's context with the task. Every task run, in this process or another, is then a child of it.
 *
 * @example
 * const engine = createEngine({ store, startTrace: createStartTrace() });
 */
export function createStartTrace(options: TracingOptions = {}): StartTrace {
  const tracer = taskerTracer(options);
  return (task) => {
    const parent = contextFromCarrier(task.traceContext, context.active());
    const span = tracer.startSpan(
      `create ${task.namespace}/${task.name}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          [ATTR.namespace]: task.namespace,
          [ATTR.name]: task.name,
          [ATTR.version]: task.version,
          [ATTR.taskId]: task.taskId,
          [ATTR.correlationId]: task.correlationId,
        },
      },
      parent,
    );
    span.end();
    return carrierOf(trace.setSpan(parent, span)) ?? task.traceContext;
  };
}
