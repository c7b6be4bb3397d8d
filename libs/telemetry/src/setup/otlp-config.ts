/** Where to send spans and metrics over OTLP/HTTP. */
export interface OtlpConfig {
  /** The collector's base URL, e.g. `http://localhost:4318`; spans go to `/v1/traces`, metrics to `/v1/metrics`. */
  endpoint: string;
  headers?: Record<string, string>;
  /** How often metrics are pushed; 60 s (or `OTEL_METRIC_EXPORT_INTERVAL`) when absent. */
  exportIntervalMs?: number;
}

/** `OTEL_EXPORTER_OTLP_HEADERS`' `key=value,key=value` as an object. */
function parseHeaders(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  const pairs = text.split(',').map((pair) => pair.split('=').map((part) => decodeURIComponent(part.trim())));
  return Object.fromEntries(pairs.filter((pair) => pair.length === 2 && pair[0]));
}

/**
 * OTLP export as the standard environment configures it (`OTEL_EXPORTER_OTLP_ENDPOINT`, `..._HEADERS`,
 * `OTEL_METRIC_EXPORT_INTERVAL`); `undefined`, meaning no export, when no endpoint is set.
 */
export function otlpConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OtlpConfig | undefined {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  const headers = parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS);
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  return {
    endpoint,
    ...(headers ? { headers } : {}),
    ...(Number.isFinite(interval) && interval > 0 ? { exportIntervalMs: interval } : {}),
  };
}

/** The URL of one OTLP/HTTP signal under the collector's base URL. */
export function signalUrl(config: OtlpConfig, signal: 'traces' | 'metrics'): string {
  return `${config.endpoint.replace(/\/+$/, '')}/v1/${signal}`;
}
