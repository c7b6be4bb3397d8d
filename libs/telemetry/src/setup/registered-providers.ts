import { ProxyTracerProvider, createNoopMeter, metrics, trace } from '@opentelemetry/api';

/** Which of OpenTelemetry's global providers some code of the process has registered. */
export interface RegisteredProviders {
  tracing: boolean;
  metrics: boolean;
}

/**
 * Which global providers are registered. The API answers a proxy whose delegate is the no-op provider, or a no-op
 * meter provider, until one is: compared with the no-op ones of an unregistered proxy and of `createNoopMeter`.
 */
export function registeredProviders(): RegisteredProviders {
  const tracerProvider = trace.getTracerProvider();
  const noopTracerProvider = new ProxyTracerProvider().getDelegate();
  return {
    tracing: !(tracerProvider instanceof ProxyTracerProvider) || tracerProvider.getDelegate() !== noopTracerProvider,
    metrics: metrics.getMeterProvider().getMeter('@tasker/telemetry') !== createNoopMeter(),
  };
}
