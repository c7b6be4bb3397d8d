import type { InspectionEvent, Observer } from 'xstate';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { metrics, type MeterProvider } from '@opentelemetry/api';
import { PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Engine, StartTrace } from '@tasker/core';
import type { Logger } from 'pino';
import { inspectConfigFromEnv, inspectFromConfig, type InspectConfig } from '../inspect/inspect-from-config.js';
import { createLogger } from '../logging/create-logger.js';
import { logEngineEvents } from '../logging/log-engine-events.js';
import { meterEngine } from '../metrics/meter-engine.js';
import { createPrometheusMetrics, createPrometheusReader, type PrometheusText } from '../metrics/prometheus-metrics.js';
import { createStartTrace } from '../tracing/create-start-trace.js';
import { traceEngine } from '../tracing/trace-engine.js';
import { otlpConfigFromEnv, signalUrl, type OtlpConfig } from './otlp-config.js';
import { registeredProviders, type RegisteredProviders } from './registered-providers.js';

/** How to set up telemetry; every field is optional. */
export interface TelemetryOptions {
  /** The `service.name` of spans and metrics; `tasker` when absent. */
  serviceName?: string;
  /** OTLP/HTTP export of spans and metrics; from `OTEL_EXPORTER_OTLP_ENDPOINT` when absent; `false` for none. */
  otlp?: OtlpConfig | false;
  /** More span processors (a console or in-memory exporter, say). Spans are made only when there is one. */
  spanProcessors?: SpanProcessor[];
  /** More metric readers, besides the Prometheus one that is always there. */
  metricReaders?: IMetricReader[];
  /** The pino logger for the engine and its transitions; {@link createLogger}'s when absent. */
  logger?: Logger;
  /** Whether each transition is logged (one line each); `true` when absent. */
  logTransitions?: boolean;
  /** XState inspectors to switch on; from `TASKER_INSPECT_URL` and `TASKER_INSPECT_FILE` when absent. */
  inspect?: InspectConfig;
}

/** Telemetry that is running: what to give the engine, how to instrument it, the metrics, and the way out. */
export interface Telemetry {
  /** Spread into `createEngine`: the logger, the `startTrace` hook and, when switched on, the inspector. */
  engineOptions: { logger: Logger; startTrace: StartTrace; inspect?: Observer<InspectionEvent> };
  /** Traces, meters and logs an engine built with {@link engineOptions}; returns the function that stops. */
  instrument(engine: Engine): () => void;
  /** The Prometheus text of all metrics, for `taskerApi({ metrics })` at `/tasker/metrics`. */
  metrics: PrometheusText;
  logger: Logger;
  /**
   * Ends the spans of runs still open (a stopped engine's paused tasks, with the outcome `interrupted`), stops
   * instrumenting, and flushes and stops exporters and inspectors; call it after the engine has stopped.
   */
  shutdown(): Promise<void>;
}

function otlpExport(config: OtlpConfig): { spans: SpanProcessor; metrics: IMetricReader } {
  const headers = config.headers ? { headers: config.headers } : {};
  return {
    spans: new BatchSpanProcessor(new OTLPTraceExporter({ url: signalUrl(config, 'traces'), ...headers })),
    metrics: new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: signalUrl(config, 'metrics'), ...headers }),
      ...(config.exportIntervalMs === undefined ? {} : { exportIntervalMillis: config.exportIntervalMs }),
    }),
  };
}

/** Where a telemetry's spans and metrics go, and how it stops. */
interface Pipeline {
  /** Whether engines are traced: there is somewhere for spans to go. */
  tracing: boolean;
  /** The meter providers engines are measured into. */
  meterProviders: MeterProvider[];
  metrics: PrometheusText;
  shutdown(): Promise<void>;
}

/** Our own NodeSDK, registered as the process's global providers. */
function startSdk(options: TelemetryOptions): Pipeline {
  const otlpConfig = options.otlp === false ? undefined : (options.otlp ?? otlpConfigFromEnv());
  const otlp = otlpConfig ? otlpExport(otlpConfig) : undefined;
  const prometheus = createPrometheusReader();
  const spanProcessors = [...(otlp ? [otlp.spans] : []), ...(options.spanProcessors ?? [])];
  const sdk = new NodeSDK({
    serviceName: options.serviceName ?? 'tasker',
    spanProcessors,
    metricReaders: [prometheus.reader, ...(otlp ? [otlp.metrics] : []), ...(options.metricReaders ?? [])],
    // Logs go through pino; no OpenTelemetry log exporter is configured from the environment behind our back.
    logRecordProcessors: [],
  });
  sdk.start();
  return {
    tracing: spanProcessors.length > 0,
    meterProviders: [metrics.getMeterProvider()],
    metrics: prometheus.metrics,
    shutdown: () => sdk.shutdown(),
  };
}

/**
 * The host's global providers, which a second SDK could not replace: spans and metrics go there, and the Prometheus
 * text comes from a meter provider of our own that is not registered.
 */
function joinHost(host: RegisteredProviders, logger: Logger, options: TelemetryOptions): Pipeline {
  const prometheus = createPrometheusMetrics();
  const unused = (['otlp', 'spanProcessors', 'metricReaders'] as const).filter((key) => options[key]);
  logger.info(
    { tracerProvider: host.tracing, meterProvider: host.metrics, unusedOptions: unused },
    "OpenTelemetry is registered already: Tasker's spans and metrics go to the host's providers",
  );
  return {
    tracing: host.tracing,
    meterProviders: [prometheus.meterProvider, ...(host.metrics ? [metrics.getMeterProvider()] : [])],
    metrics: prometheus.metrics,
    shutdown: () => prometheus.meterProvider.shutdown(),
  };
}

/**
 * Starts OpenTelemetry's NodeSDK for Tasker (once per process: it registers the global providers and the
 * async-hooks context, so spans of instrumented HTTP servers are the parents of the tasks they create): a Prometheus
 * reader, OTLP/HTTP export when configured, pino logs and the configured XState inspectors.
 *
 * When the host has registered a global tracer or meter provider already (its own `NodeSDK`, say), no SDK is
 * started: spans and metrics go to the host's providers, which the host shuts down, `otlp`, `spanProcessors` and
 * `metricReaders` are not used, and the Prometheus text comes from a meter provider of Tasker's own. It logs that
 * it did so.
 *
 * @example
 * const telemetry = startTelemetry({ serviceName: 'checkout' });
 * const engine = createEngine({ store, ...telemetry.engineOptions });
 * telemetry.instrument(engine);
 * app.register(taskerApi, { engine, metrics: telemetry.metrics });
 * // on shutdown: await engine.stop(); await telemetry.shutdown();
 */
export function startTelemetry(options: TelemetryOptions = {}): Telemetry {
  const logger = options.logger ?? createLogger();
  const host = registeredProviders();
  const pipeline = host.tracing || host.metrics ? joinHost(host, logger, options) : startSdk(options);
  const inspector = inspectFromConfig(options.inspect ?? inspectConfigFromEnv());
  /** What stops instrumenting each engine, until it is called. */
  const instrumented = new Set<() => void>();
  return {
    engineOptions: { logger, startTrace: createStartTrace(), ...(inspector ? { inspect: inspector.inspect } : {}) },
    instrument: (engine) => {
      const stops = [
        ...(pipeline.tracing ? [traceEngine(engine)] : []),
        ...pipeline.meterProviders.map((meterProvider) => meterEngine(engine, { meterProvider })),
        ...(options.logTransitions === false ? [] : [logEngineEvents(engine, logger)]),
      ];
      const stop = () => {
        if (!instrumented.delete(stop)) return;
        for (const each of stops) each();
      };
      instrumented.add(stop);
      return stop;
    },
    metrics: pipeline.metrics,
    logger,
    shutdown: async () => {
      // A stopped engine leaves the runs it paused open (another process resumes them); their spans end here as
      // `interrupted`, before the exporters flush, or the span processors would never see them.
      for (const stop of [...instrumented]) stop();
      await inspector?.stop();
      await pipeline.shutdown();
    },
  };
}
