import type { SimulationConfig } from '../config/checkout-config.js';
import { FaultPlan } from './fault-plan.js';
import { InFlightGauge } from './in-flight-gauge.js';
import { simulateLatency } from './latency.js';
import { ServiceError } from './service-error.js';

/** What every call to a simulated service carries. */
export interface ServiceCall {
  /** The calling step's idempotency key: the service does a request's work once, however often it is sent. */
  idempotencyKey: string;
  /** The checkout (task id) the call belongs to, kept with what the service writes. */
  reference: string;
  /** Aborted when the calling attempt times out or is cancelled. */
  signal: AbortSignal;
}

/** The latency and the transient faults that every simulated service shares. */
export class ServiceSimulation {
  readonly config: SimulationConfig;
  readonly #faults: FaultPlan;
  /** The payment processor's charges in flight, per merchant (`GET /stats`). */
  readonly paymentsInFlight = new InFlightGauge();

  constructor(config: SimulationConfig) {
    this.config = config;
    this.#faults = new FaultPlan({ rate: config.transientFaultRate, maxRepeats: config.maxFaultRepeats });
  }

  /**
   * Runs one call of `service`: waits its latency, then does `work` unless a transient fault strikes first; a fault
   * may also strike after the work is done, losing the answer, as a dropped connection does.
   */
  async run<T>(service: string, call: ServiceCall, work: () => Promise<T>): Promise<T> {
    await simulateLatency(this.config.latencyMs, call.signal);
    const fault = this.#faults.next(service, call.idempotencyKey);
    if (fault === 'before')
      throw new ServiceError(service, 'temporarily unavailable (injected fault)', { transient: true });
    const result = await work();
    if (fault === 'after') {
      throw new ServiceError(service, 'connection reset before the answer arrived (injected fault)', {
        transient: true,
      });
    }
    return result;
  }
}
