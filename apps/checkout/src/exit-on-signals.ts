import type { Logger } from 'pino';

/** Past the grace period, what closing connections and flushing telemetry get before the process exits anyway. */
const EXIT_ALLOWANCE_MS = 4_000;

/** What the process stops on a signal. */
export interface Stoppable {
  logger: Logger;
  /** Ends streams, stops the engine (running steps get `gracePeriodMs`) and closes connections. */
  close(options: { gracePeriodMs: number }): Promise<void>;
}

/**
 * On SIGTERM (what Kubernetes and Docker send) or SIGINT: closes `app`, then `then` (e.g. flushing telemetry), and
 * exits 0; 1 if that fails. Whatever hangs (a store or collector that stopped answering), the process exits at most
 * a few seconds after `gracePeriodMs`, with 1 and a log line saying so.
 */
export function exitOnSignals(app: Stoppable, gracePeriodMs: number, then: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      app.logger.info({ signal, grace_period_ms: gracePeriodMs }, 'Stopping: finishing running steps');
      setTimeout(() => {
        app.logger.error({ signal }, `Not stopped ${gracePeriodMs + EXIT_ALLOWANCE_MS} ms after ${signal}; exiting`);
        process.exit(1);
      }, gracePeriodMs + EXIT_ALLOWANCE_MS).unref();
      void app
        .close({ gracePeriodMs })
        .then(then)
        .then(
          () => process.exit(0),
          (error: unknown) => {
            app.logger.error({ err: error }, 'Stopping failed');
            process.exit(1);
          },
        );
    });
  }
}
