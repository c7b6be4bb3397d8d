import type { Engine } from './engine.js';

/** How {@link stopOnSignals} stops the engine. */
export interface SignalStopOptions {
  /** Signals that stop the engine; SIGTERM and SIGINT when absent. */
  signals?: NodeJS.Signals[];
  /** How long running handlers may finish; the engine's `stopGracePeriodMs` when absent. */
  gracePeriodMs?: number;
  /** Called once the engine stopped (close the store and exit here); `process.exit(0)` when absent. */
  then?: () => void | Promise<void>;
}

/**
 * Graceful shutdown for a worker process: on SIGTERM (what Kubernetes and Docker send) or SIGINT the engine stops
 * claiming, lets running steps finish within the grace period, commits their outcomes and releases its leases, so
 * other workers take its tasks over at once. Returns the function that removes the signal handlers.
 */
export function stopOnSignals(engine: Engine, options: SignalStopOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void engine
      .stop(options.gracePeriodMs === undefined ? {} : { gracePeriodMs: options.gracePeriodMs })
      .then(options.then ?? (() => process.exit(0)));
  };
  for (const signal of signals) process.once(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
