import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider, type IMetricReader } from '@opentelemetry/sdk-metrics';
import type { Resource } from '@opentelemetry/resources';

/** Renders the current metrics in the Prometheus text format, e.g. for `GET /tasker/metrics`. */
export type PrometheusText = () => Promise<string>;

/** A Prometheus reader that serves no port of its own, and the function that renders what it reads. */
export interface PrometheusReader {
  reader: IMetricReader;
  metrics: PrometheusText;
}

/**
 * A metric reader for Prometheus that opens no server: {@link PrometheusReader.metrics} renders the text format,
 * for the REST API (`taskerApi({ metrics })` serves it at `/tasker/metrics`) or any other route.
 */
export function createPrometheusReader(): PrometheusReader {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  // Without the `otel_scope_name` label: every series here is Tasker's, and their names say so.
  const serializer = new PrometheusSerializer(undefined, false, undefined, false, true);
  return {
    reader: exporter,
    metrics: async () => {
      const { resourceMetrics } = await exporter.collect();
      return serializer.serialize(resourceMetrics);
    },
  };
}

/**
 * A meter provider of its own with a Prometheus reader: for an app that wants Tasker's metrics without the
 * NodeSDK (see `startTelemetry` for the whole setup).
 *
 * @example
 * const { meterProvider, metrics } = createPrometheusMetrics();
 * meterEngine(engine, { meterProvider });
 * app.register(taskerApi, { engine, metrics });
 */
export function createPrometheusMetrics(options: { resource?: Resource; readers?: IMetricReader[] } = {}): {
  meterProvider: MeterProvider;
  metrics: PrometheusText;
} {
  const { reader, metrics } = createPrometheusReader();
  const meterProvider = new MeterProvider({
    readers: [reader, ...(options.readers ?? [])],
    ...(options.resource ? { resource: options.resource } : {}),
  });
  return { meterProvider, metrics };
}
