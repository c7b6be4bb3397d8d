import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { EventLog } from '../store/event-log.js';

/** How long the store's event log keeps events (see `EngineOptions.eventLog`). */
export interface EventLogSettings {
  /** Events older than this are deleted. */
  maxAgeMs: number;
  /** The oldest events beyond this many are deleted. */
  maxCount: number;
  /** How often the engine purges, while running. */
  purgeIntervalMs: number;
}

/** The event log's defaults: a week, a million events, purged every minute. */
export const DEFAULT_EVENT_LOG_SETTINGS: EventLogSettings = {
  maxAgeMs: 7 * 24 * 60 * 60 * 1_000,
  maxCount: 1_000_000,
  purgeIntervalMs: 60_000,
};

/** How many events one delete removes: small, so that a purge never holds the store's locks for long. */
const PURGE_BATCH = 1_000;

/**
 * Keeps the store's event log within its age and count by deleting the oldest events in small batches, now and then
 * while the engine runs. Deletes are idempotent, so every worker may purge; they only share the work.
 */
export class EventLogRetention {
  readonly #log: EventLog;
  readonly #settings: EventLogSettings;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #purging: Promise<number> | undefined;

  constructor(log: EventLog, settings: EventLogSettings, clock: Clock, logger: Logger) {
    this.#log = log;
    this.#settings = settings;
    this.#clock = clock;
    this.#logger = logger;
  }

  /** Purges every `purgeIntervalMs` until {@link stop}. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.purge().catch((error: unknown) => this.#logger.warn({ err: error }, 'purging the event log failed'));
    }, this.#settings.purgeIntervalMs);
    // The purge must not keep a process alive that has nothing else to do.
    this.#timer.unref();
  }

  /** Stops purging and waits for a purge under way. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#purging?.catch(() => undefined);
  }

  /** Deletes, batch by batch, every event too old or beyond the count; answers how many. One purge at a time. */
  purge(): Promise<number> {
    this.#purging ??= this.#purgeAll().finally(() => (this.#purging = undefined));
    return this.#purging;
  }

  async #purgeAll(): Promise<number> {
    const { maxAgeMs, maxCount } = this.#settings;
    let total = 0;
    for (;;) {
      const before = this.#clock.now() - maxAgeMs;
      const deleted = await this.#log.purgeEvents({ before, keepNewest: maxCount, limit: PURGE_BATCH });
      total += deleted;
      if (deleted < PURGE_BATCH) return total;
    }
  }
}
