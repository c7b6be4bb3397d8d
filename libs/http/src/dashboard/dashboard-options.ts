/** How `taskerApi` serves the operator dashboard at `<prefix>/ui`. */
export interface DashboardOptions {
  /**
   * A link to a trace viewer with `{traceId}` where the id goes, e.g. `http://localhost:16686/trace/{traceId}` for
   * Jaeger: a task's trace id links there. Without it the id is shown as text.
   */
  traceUrl?: string;
}

/** @throws TypeError when `traceUrl` is given without a `{traceId}` placeholder or is not an http(s) URL. */
export function checkDashboardOptions(options: boolean | DashboardOptions | undefined): void {
  if (options === undefined || typeof options === 'boolean') return;
  const { traceUrl } = options;
  if (traceUrl === undefined) return;
  if (typeof traceUrl !== 'string' || !/^https?:\/\//.test(traceUrl) || !traceUrl.includes('{traceId}')) {
    throw new TypeError(
      'taskerApi: dashboard.traceUrl must be an http(s) URL with {traceId} in it, e.g. http://localhost:16686/trace/{traceId}',
    );
  }
}
