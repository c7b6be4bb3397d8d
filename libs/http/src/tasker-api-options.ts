import type { ApiEngine } from './api-engine.js';
import type { AuthOptions } from './auth/auth-options.js';
import { checkDashboardOptions, type DashboardOptions } from './dashboard/dashboard-options.js';

/** How `taskerApi` is configured; `engine` and `auth` are required. */
export interface TaskerApiOptions {
  /** The engine whose tasks, templates and events the API serves. */
  engine: ApiEngine;
  /** JWT verification, or `{ disabled: true }` to turn authentication off (say so explicitly). */
  auth: AuthOptions;
  /** Task creations one client (by IP) may make per window; `false` for no limit. 100 a minute when absent. */
  rateLimit?: { max: number; timeWindowMs: number } | false;
  /** Largest request body, in bytes; larger ones get 413. 1 MiB when absent. */
  bodyLimitBytes?: number;
  /**
   * Most bytes of events `GET <prefix>/events` keeps for one client that does not read them; past it the client is
   * disconnected. 1 MiB when absent.
   */
  streamBufferBytes?: number;
  /** How long a request waits for the store before answering 503 `STORE_UNAVAILABLE`. 10 s when absent. */
  storeTimeoutMs?: number;
  /** The clock analytics windows end at (ms since the epoch); `Date.now` when absent. */
  now?: () => number;
  /** Prometheus text exposition served at `GET <prefix>/metrics` (e.g. from `@tasker/telemetry`); no route when absent. */
  metrics?: () => Promise<string>;
  /** Serve the OpenAPI document and Swagger UI at `<prefix>/docs`. `true` when absent. */
  docs?: boolean;
  /**
   * When `GET <prefix>/health/ready` answers 503: while the engine's commits fail (see `Engine.writeHealth`), or once
   * its oldest pending write has waited longer than `maxWriteAgeMs` (30 s when absent).
   */
  readiness?: { maxWriteAgeMs?: number };
  /**
   * Serve the operator dashboard (`@tasker/dashboard`) at `<prefix>/ui`; an object configures it (a trace viewer's
   * link). `true` when absent; `false` serves nothing there.
   */
  dashboard?: boolean | DashboardOptions;
}

function positive(value: number | undefined, field: string): void {
  if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
    throw new TypeError(`taskerApi: ${field} must be a positive number, got ${value}`);
  }
}

/** @throws TypeError naming the first option that is missing or malformed. */
export function checkOptions(options: Partial<TaskerApiOptions>): asserts options is TaskerApiOptions {
  if (!options.engine) throw new TypeError('taskerApi: `engine` is required');
  const auth = options.auth as Record<string, unknown> | undefined;
  if (!auth || typeof auth !== 'object') {
    throw new TypeError('taskerApi: `auth` is required; pass { disabled: true } to turn authentication off explicitly');
  }
  const kinds = ['disabled', 'secret', 'jwksUrl', 'jwks', 'publicKey'].filter((kind) => auth[kind] !== undefined);
  if (kinds.length !== 1 || (kinds[0] === 'disabled' && auth.disabled !== true)) {
    throw new TypeError(
      'taskerApi: `auth` needs exactly one of { disabled: true }, secret, jwksUrl, jwks or publicKey (with algorithm)',
    );
  }
  if (typeof auth.secret === 'string' && auth.secret.length < 32) {
    throw new TypeError('taskerApi: auth.secret must be at least 32 characters for HS256');
  }
  if (options.rateLimit) {
    positive(options.rateLimit.max, 'rateLimit.max');
    positive(options.rateLimit.timeWindowMs, 'rateLimit.timeWindowMs');
  }
  if (auth.maxTokenLifetimeSeconds !== false) {
    positive(auth.maxTokenLifetimeSeconds as number | undefined, 'auth.maxTokenLifetimeSeconds');
  }
  positive(options.bodyLimitBytes, 'bodyLimitBytes');
  positive(options.storeTimeoutMs, 'storeTimeoutMs');
  positive(options.streamBufferBytes, 'streamBufferBytes');
  positive(options.readiness?.maxWriteAgeMs, 'readiness.maxWriteAgeMs');
  checkDashboardOptions(options.dashboard);
}
