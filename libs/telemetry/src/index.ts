/**
 * Observability for Tasker engines, built on the engine's events (core never imports OpenTelemetry or pino).
 *
 * Terminology:
 * - **Task run**: a task's time in one process, from `task.started` (or `task.resumed`, or the first event of a
 *   task the process took over) to its outcome; one span `task <namespace>/<name>`.
 * - **Attempt**: one call of a step's handler; one span `step <name>`, child of its run.
 * - **Trace context**: the W3C carrier (`traceparent`, `tracestate`) stored with each task, so every run of the task,
 *   in any process, joins one trace ({@link createStartTrace}).
 * - **Subscriber**: a class that declares the events it handles and has one method per event ({@link EventSubscriber}).
 * - **Inspector**: an XState inspection observer given to every task actor (`createEngine({ inspect })`).
 */
export { ATTR } from './attributes.js';
export { createStartTrace } from './tracing/create-start-trace.js';
export { traceEngine } from './tracing/trace-engine.js';
export type { TracingOptions } from './tracing/tracer.js';
export { meterEngine } from './metrics/meter-engine.js';
export type { MeterEngineOptions } from './metrics/meter-engine.js';
export { createPrometheusMetrics, createPrometheusReader } from './metrics/prometheus-metrics.js';
export type { PrometheusReader, PrometheusText } from './metrics/prometheus-metrics.js';
export { createLogger } from './logging/create-logger.js';
export { logEngineEvents } from './logging/log-engine-events.js';
export { EventSubscriber } from './subscriber/event-subscriber.js';
export type { EventHandlers } from './subscriber/event-subscriber.js';
export { handlerName } from './subscriber/handler-name.js';
export type { HandlerName } from './subscriber/handler-name.js';
export type { TaskerInspector } from './inspect/inspector.js';
export { createWebSocketInspect } from './inspect/websocket-inspector.js';
export { createJsonlInspect } from './inspect/jsonl-inspector.js';
export { inspectConfigFromEnv, inspectFromConfig } from './inspect/inspect-from-config.js';
export type { InspectConfig } from './inspect/inspect-from-config.js';
export { machineDefinitions } from './machines/machine-definitions.js';
export { startTelemetry } from './setup/start-telemetry.js';
export type { Telemetry, TelemetryOptions } from './setup/start-telemetry.js';
export { otlpConfigFromEnv } from './setup/otlp-config.js';
export type { OtlpConfig } from './setup/otlp-config.js';
