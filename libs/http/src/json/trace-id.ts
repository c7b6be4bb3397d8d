/** `version-traceid-parentid-flags` of W3C Trace Context, lower-case hex. */
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace id of a task's W3C trace context carrier (its `traceparent`), or `null` without a valid one. */
export function traceIdOf(carrier: Readonly<Record<string, string>> | undefined): string | null {
  const traceId = TRACEPARENT.exec(carrier?.['traceparent'] ?? '')?.[1];
  return traceId === undefined || /^0+$/.test(traceId) ? null : traceId;
}
