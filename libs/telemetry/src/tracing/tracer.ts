import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';

/** The instrumentation scope of Tasker's spans and metrics. */
export const INSTRUMENTATION_SCOPE = '@tasker/telemetry';

/** Options of everything that makes spans. */
export interface TracingOptions {
  /** Where spans go; the globally registered provider (e.g. the NodeSDK's) when absent. */
  tracerProvider?: TracerProvider;
}

/** Tasker's tracer from `options.tracerProvider` or the global provider. */
export function taskerTracer(options: TracingOptions = {}): Tracer {
  return (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE);
}
