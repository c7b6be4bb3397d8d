/** What the server tells the page about where it runs, in `<meta name="tasker-dashboard" content="<json>">`. */
export interface DashboardConfig {
  /** Where the REST API is mounted, e.g. `/tasker`. */
  apiBase: string;
  /** Whether the API wants a bearer token. */
  auth: boolean;
  /** A URL with `{traceId}` in it that shows a trace (e.g. Jaeger's `/trace/{traceId}`), when one is configured. */
  traceUrl: string | null;
}

/** Read once at start; a page opened without the server's tag (Vite's dev server) talks to `/tasker` with auth. */
export function readConfig(document: Document): DashboardConfig {
  const content = document.querySelector('meta[name="tasker-dashboard"]')?.getAttribute('content');
  const given = content ? (JSON.parse(content) as Partial<DashboardConfig>) : {};
  return { apiBase: given.apiBase ?? '/tasker', auth: given.auth ?? true, traceUrl: given.traceUrl ?? null };
}

export const config: DashboardConfig = readConfig(document);
