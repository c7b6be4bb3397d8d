import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { SubscriberHold } from '../store/subscriber-positions.js';
import type { TaskStore } from '../store/task-store.js';
import type { PurgeReport } from './task-purger.js';

/** The name under which the store-wide retention hold is kept with the durable subscribers' (reserved). */
export const RETENTION_HOLD = '@tasker/retention';

/** The worker and lease length a {@link RetentionWorker} holds the retention hold with. */
export interface RetentionHoldTerms {
  workerId: string;
  leaseMs: number;
}

/**
 * Runs retention every `intervalMs` on the one worker of the store that holds the retention hold, the record durable
 * subscribers hold their names with (`claimSubscriber`): each run claims or renews it, and renews it before every
 * batch, stopping when it is lost. Purges are idempotent and delete only finished tasks, so two workers purging at
 * once (one whose hold lapsed unnoticed) would only share the work; the hold keeps them from doing it twice.
 */
export class RetentionWorker {
  readonly #store: TaskStore;
  readonly #terms: RetentionHoldTerms;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #purge: (keepGoing: () => Promise<boolean>) => Promise<PurgeReport>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #hold: SubscriberHold | undefined;
  #stopped = false;

  constructor(
    store: TaskStore,
    terms: RetentionHoldTerms,
    clock: Clock,
    logger: Logger,
    intervalMs: number,
    purge: (keepGoing: () => Promise<boolean>) => Promise<PurgeReport>,
  ) {
    this.#store = store;
    this.#terms = terms;
    this.#clock = clock;
    this.#logger = logger.child({ retention: true });
    this.#intervalMs = intervalMs;
    this.#purge = purge;
  }

  /** Runs now and then every `intervalMs` until {@link stop}. */
  start(): void {
    if (this.#timer) return;
    this.#stopped = false;
    this.#timer = setInterval(() => void this.run(), this.#intervalMs);
    // Retention must not keep a process alive that has nothing else to do.
    this.#timer.unref();
    void this.run();
  }

  /** Stops, waits for a run under way, and gives the hold back so another worker takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    if (this.#hold) {
      const { token } = this.#hold;
      this.#hold = undefined;
      await this.#store
        .releaseSubscriber(RETENTION_HOLD, token)
        .catch((error: unknown) => this.#logger.warn({ err: error }, 'releasing the retention hold failed'));
    }
  }

  /** One run, if this worker holds (or takes) the hold; answers when done. One run at a time. */
  run(): Promise<void> {
    this.#running ??= this.#runOnce().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #runOnce(): Promise<void> {
    try {
      if (!(await this.#claim())) return;
      const report = await this.#purge(() => this.#claim());
      if (report.tasks > 0)
        this.#logger.info({ purged: report.tasks, byState: report.byState }, 'purged finished tasks');
    } catch (error) {
      this.#logger.warn({ err: error }, 'purging finished tasks failed; the next run tries again');
    }
  }

  /** Takes or renews the hold; false when another worker has it or the engine is stopping. */
  async #claim(): Promise<boolean> {
    if (this.#stopped) return false;
    const now = this.#clock.now();
    this.#hold = await this.#store.claimSubscriber({
      name: RETENTION_HOLD,
      workerId: this.#terms.workerId,
      now,
      until: now + this.#terms.leaseMs,
    });
    return this.#hold !== undefined;
  }
}
