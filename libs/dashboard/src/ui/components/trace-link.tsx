import { config } from '../config.js';

/** The task's trace id, linked to the trace viewer (e.g. Jaeger) when the server configured one. */
export function TraceLink({ traceId }: { traceId: string | null }) {
  if (!traceId) return <>—</>;
  if (!config.traceUrl) return <span class="mono">{traceId}</span>;
  return (
    <a
      class="mono"
      href={config.traceUrl.replace('{traceId}', encodeURIComponent(traceId))}
      target="_blank"
      rel="noopener noreferrer"
    >
      {traceId}
    </a>
  );
}
