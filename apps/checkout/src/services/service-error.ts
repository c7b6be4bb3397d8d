/**
 * What a simulated service throws when it refuses or fails a request. `transient` tells whether the same request
 * may succeed later (a timeout, a rate limit, an outage) or never will (a declined card, no stock).
 */
export class ServiceError extends Error {
  readonly service: string;
  readonly transient: boolean;
  /** How long the service asks the caller to wait before trying again (a rate limit's retry-after). */
  readonly retryAfterMs: number | undefined;

  constructor(service: string, message: string, options: { transient: boolean; retryAfterMs?: number }) {
    super(`${service}: ${message}`);
    this.name = 'ServiceError';
    this.service = service;
    this.transient = options.transient;
    this.retryAfterMs = options.retryAfterMs;
  }
}
