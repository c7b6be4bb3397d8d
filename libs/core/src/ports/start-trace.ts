/** What a {@link StartTrace} hook knows of the task it is asked about. */
export interface NewTaskTraceInfo {
  taskId: string;
  namespace: string;
  name: string;
  version: string;
  correlationId: string;
  /** The carrier the request brought (`RunTaskRequest.traceContext`), if any. */
  traceContext?: Record<string, string>;
}

/**
 * Chooses the trace a new task is stored with, once its request is accepted and before it is stored: returns the
 * W3C Trace Context carrier to keep with the task, or `undefined` for none. Without a hook the request's carrier is
 * kept as it is. `@tasker/telemetry` offers one that records the task's creation as a span of the caller's trace,
 * so that every process that later runs the task continues that trace.
 *
 * It is also called for a request whose idempotency key repeats an earlier task's; what it returns is then unused.
 */
export type StartTrace = (task: NewTaskTraceInfo) => Record<string, string> | undefined;
