import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** W3C Trace Context whatever propagator the application registered: the carrier format tasks store is W3C's. */
const propagator = new W3CTraceContextPropagator();

/** The context a W3C carrier (`traceparent`, `tracestate`) describes, on top of `base`; `base` without a carrier. */
export function contextFromCarrier(carrier: Record<string, string> | undefined, base: Context = ROOT_CONTEXT): Context {
  return carrier === undefined ? base : propagator.extract(base, carrier, defaultTextMapGetter);
}

/** The W3C carrier of the span active in `context`; `undefined` when that span has no valid trace. */
export function carrierOf(context: Context): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(context, carrier, defaultTextMapSetter);
  return carrier.traceparent === undefined ? undefined : carrier;
}
