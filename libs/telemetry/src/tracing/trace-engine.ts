import type { Engine } from '@tasker/core';
import { TaskSpans } from './task-spans.js';
import { taskerTracer, type TracingOptions } from './tracer.js';

/**
 * Traces an engine from its events: a span per task run and a child span per step attempt, with the events' own
 * times and the attributes namespace, name, version, task id, correlation id, step name, attempt, outcome and
 * error (see {@link ATTR}). Pair it with {@link createStartTrace} so runs join the trace stored with each task.
 * Returns the function that stops tracing; spans still open then end with the outcome `interrupted`.
 *
 * @example
 * const engine = createEngine({ store, startTrace: createStartTrace() });
 * const stopTracing = traceEngine(engine);
 */
export function traceEngine(engine: Engine, options: TracingOptions = {}): () => void {
  const spans = new TaskSpans(taskerTracer(options));
  const unsubscribe = engine.on('*', (event) => spans.record(event));
  return () => {
    unsubscribe();
    spans.endAll(Date.now());
  };
}
