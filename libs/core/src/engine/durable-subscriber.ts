import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { LoggedEvent } from '../store/event-log.js';
import type { SubscriberHold, SubscriberPositions } from '../store/subscriber-positions.js';
import type { EventFeed } from './event-feed.js';
import type { SubscriberSettings } from './subscriber-options.js';

/** How a subscriber holds its name in the store: as this engine holds its tasks' leases. */
export interface SubscriberHoldTerms {
  workerId: string;
  /** How long a hold lasts unless renewed (every third of it). */
  leaseMs: number;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/**
 * One durable subscriber's loop: it claims the subscriber's name in the store (one worker at a time delivers to
 * it), follows the event log from the stored position, hands each event to the handler, retrying a failing one with
 * backoff before any later one, and stores the position after each. A worker that loses the name (its hold lapsed
 * and another took it) stops delivering at once and tries to claim it again, from the position the store has.
 * Each subscriber runs its own loop, so a failing one delays no other.
 */
export class DurableSubscriber {
  readonly name: string;
  readonly #settings: SubscriberSettings;
  readonly #store: SubscriberPositions;
  readonly #feed: EventFeed;
  readonly #terms: SubscriberHoldTerms;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #stopping: AbortController | undefined;
  #running: Promise<void> | undefined;

  constructor(
    settings: SubscriberSettings,
    store: SubscriberPositions,
    feed: EventFeed,
    terms: SubscriberHoldTerms,
    clock: Clock,
    logger: Logger,
  ) {
    this.name = settings.name;
    this.#settings = settings;
    this.#store = store;
    this.#feed = feed;
    this.#terms = terms;
    this.#clock = clock;
    this.#logger = logger.child({ subscriber: settings.name });
  }

  /** Starts the loop, unless it runs already. */
  start(): void {
    if (this.#running) return;
    const stopping = new AbortController();
    this.#stopping = stopping;
    this.#running = this.#run(stopping.signal);
  }

  /**
   * Stops delivering and gives the name back, so that another worker takes over at once. Waits for a handler under
   * way (its signal aborted) up to `graceMs`; an event it was handling is delivered again by the next holder.
   */
  async stop(graceMs: number): Promise<void> {
    const running = this.#running;
    if (!running) return;
    this.#stopping?.abort();
    this.#running = undefined;
    const timeout = new AbortController();
    await Promise.race([running, pause(graceMs, timeout.signal)]);
    timeout.abort();
  }

  get #renewEveryMs(): number {
    return this.#terms.leaseMs / 3;
  }

  #claim(): Promise<SubscriberHold | undefined> {
    const now = this.#clock.now();
    return this.#store.claimSubscriber({
      name: this.name,
      workerId: this.#terms.workerId,
      now,
      until: now + this.#terms.leaseMs,
    });
  }

  async #run(stopping: AbortSignal): Promise<void> {
    while (!stopping.aborted) {
      let hold: SubscriberHold | undefined;
      try {
        hold = await this.#claim();
        if (hold) await this.#deliverWhileHeld(hold, stopping);
      } catch (error) {
        this.#logger.warn({ err: error }, 'durable subscriber failed; it claims its name again and resumes');
      }
      if (hold && stopping.aborted) {
        await this.#store
          .releaseSubscriber(this.name, hold.token)
          .catch((error: unknown) => this.#logger.warn({ err: error }, 'releasing a durable subscriber failed'));
        return;
      }
      await pause(this.#renewEveryMs, stopping);
    }
  }

  /** Delivers until the engine stops or the hold is lost; renews the hold every third of its length meanwhile. */
  async #deliverWhileHeld(hold: SubscriberHold, stopping: AbortSignal): Promise<void> {
    const held = new AbortController();
    const letGo = () => held.abort();
    stopping.addEventListener('abort', letGo);
    let heldUntil = this.#clock.now() + this.#terms.leaseMs;
    const renewal = setInterval(() => {
      this.#claim().then(
        (renewed) => {
          if (renewed?.token === hold.token) heldUntil = this.#clock.now() + this.#terms.leaseMs;
          else letGo();
        },
        (error: unknown) => {
          this.#logger.warn({ err: error }, 'renewing a durable subscriber failed');
          if (this.#clock.now() >= heldUntil) letGo();
        },
      );
    }, this.#renewEveryMs);
    try {
      await this.#deliver(hold, held.signal);
    } finally {
      clearInterval(renewal);
      stopping.removeEventListener('abort', letGo);
      held.abort();
    }
  }

  async #deliver(hold: SubscriberHold, signal: AbortSignal): Promise<void> {
    const { types, namespace, startAt } = this.#settings;
    let after = hold.position;
    if (after === undefined && startAt === 'newest') {
      after = await this.#feed.lastId();
      if (after !== undefined && !(await this.#store.saveSubscriberPosition(this.name, hold.token, after))) return;
    }
    const events = this.#feed.follow({
      ...(types === undefined ? {} : { types }),
      ...(namespace === undefined ? {} : { namespace }),
      ...(after === undefined ? { fromStart: true } : { after }),
      signal,
    });
    for await (const logged of events) {
      if (!(await this.#handle(logged, signal))) return;
      // Saved even when stopping: the event was handled, and the next holder need not handle it again.
      if (!(await this.#store.saveSubscriberPosition(this.name, hold.token, logged.id))) {
        this.#logger.info({ eventId: logged.id }, 'durable subscriber taken over by another worker');
        return;
      }
    }
  }

  /** Hands `logged` to the handler until it succeeds; answers false when `signal` aborted first. */
  async #handle(logged: LoggedEvent, signal: AbortSignal): Promise<boolean> {
    const { baseMs, maxMs } = this.#settings.retry;
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        await this.#settings.handle(logged.event, { id: logged.id, attempt, signal });
        return true;
      } catch (error) {
        if (signal.aborted) return false;
        const delayMs = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
        this.#logger.warn(
          { err: error, eventId: logged.id, eventType: logged.event.type, attempt, retryInMs: delayMs },
          'durable subscriber handler failed; retrying the same event',
        );
        await pause(delayMs, signal);
      }
    }
    return false;
  }
}
