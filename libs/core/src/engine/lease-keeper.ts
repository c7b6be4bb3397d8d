import type { Lease, LeaseTerms } from '../store/leases.js';
import type { TaskLeasing } from '../store/task-leasing.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';

/** How a worker holds its tasks. */
export interface LeaseSettings {
  /** This worker's name in the store's leases; stable across restarts to take back its tasks at once. */
  workerId: string;
  /** How long a lease lasts unless renewed; renewed every third of it. */
  leaseMs: number;
  /** How often an idle worker asks the store for work when no notification wakes it. */
  pollIntervalMs: number;
}

/** What the keeper needs from the engine it works for. */
export interface LeaseHolder {
  /** How many more tasks the engine takes now. */
  freeSlots(): number;
  /** Runs a task the keeper claimed, leased until `until`. */
  run(lease: Lease, until: number): void;
  /** The leases of the tasks the engine runs now. */
  held(): Lease[];
  /** The leases of `held` that were not lost now last until `until`. */
  renewed(leases: readonly Lease[], until: number): void;
  /**
   * Told of the leases of `held` the store did not renew: another worker took the tasks, or the engine's own write
   * ended them (a finished task) after the renewal's list was made. The holder tells the two apart and logs.
   */
  lost(leases: Lease[]): void;
  /** Told when the store announces work: besides claimable tasks, a freed concurrency slot. */
  workAnnounced(): void;
}

/**
 * The worker side of leases: claims claimable tasks while the engine has free slots,
 * renews the leases of the tasks it runs in one call per heartbeat, and sleeps until the store's notification, the
 * next known due time, or the poll interval, whichever comes first.
 */
export class LeaseKeeper {
  readonly #store: TaskLeasing;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #settings: LeaseSettings;
  readonly #holder: LeaseHolder;
  #running = false;
  /** Claim again once the claim in flight answers: something woke the keeper while it claimed. */
  #claimAgain = false;
  #reclaimOwn = true;
  #wakeTimer: unknown;
  #heartbeat: unknown;
  /** The claim or renewal being sent now: stopping waits for it, so nothing reaches a store being closed. */
  #claimInFlight: Promise<void> | undefined;
  #renewalInFlight: Promise<void> | undefined;
  #unwatch: (() => Promise<void>) | undefined;

  constructor(store: TaskLeasing, clock: Clock, logger: Logger, settings: LeaseSettings, holder: LeaseHolder) {
    this.#store = store;
    this.#clock = clock;
    this.#logger = logger;
    this.#settings = settings;
    this.#holder = holder;
  }

  get workerId(): string {
    return this.#settings.workerId;
  }

  /** Lease terms that start now. */
  terms(): LeaseTerms {
    const now = this.#clock.now();
    return { workerId: this.#settings.workerId, now, until: now + this.#settings.leaseMs };
  }

  /** Starts claiming: listens for work, claims at once (taking back this worker's own leases), then as woken. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#reclaimOwn = true;
    this.#unwatch = await this.#store.watchWork?.(() => {
      this.#holder.workAnnounced();
      this.wake();
    });
    this.keepAlive();
    this.wake();
  }

  /**
   * Stops claiming and listening, once a claim in flight has answered; the heartbeat goes on while the engine still
   * runs tasks ({@link keepAlive}).
   */
  async stop(): Promise<void> {
    this.#running = false;
    this.#sleepUntil(undefined);
    const unwatch = this.#unwatch;
    this.#unwatch = undefined;
    await unwatch?.();
    await this.#claimInFlight;
  }

  /** Stops the heartbeat, once a renewal in flight has answered: the engine holds no leases any more. */
  async stopHeartbeat(): Promise<void> {
    if (this.#heartbeat !== undefined) this.#clock.clearTimeout(this.#heartbeat);
    this.#heartbeat = undefined;
    await this.#renewalInFlight;
  }

  /** Makes sure the heartbeat runs: called whenever the engine takes a lease. */
  keepAlive(): void {
    if (this.#heartbeat !== undefined) return;
    const beat = () => {
      const timer = this.#clock.setTimeout(() => {
        this.#renewalInFlight = this.#renew().finally(() => {
          this.#renewalInFlight = undefined;
          // Only the heartbeat still current beats on: one stopped and started again while this renewal was out
          // has a timer of its own, and beating here too would run two (the second never stopped).
          if (this.#heartbeat === timer) beat();
        });
      }, this.#settings.leaseMs / 3);
      this.#heartbeat = timer;
    };
    beat();
  }

  /** Claims now if the engine has room: a slot was freed, or the store said there may be work. */
  wake(): void {
    if (!this.#running) return;
    if (this.#claimInFlight) {
      this.#claimAgain = true;
      return;
    }
    if (this.#holder.freeSlots() <= 0) return;
    this.#claimInFlight = this.#claim().finally(() => {
      this.#claimInFlight = undefined;
      if (this.#claimAgain) {
        this.#claimAgain = false;
        // A macrotask later: a store that answers at once must not starve the event loop.
        setImmediate(() => this.wake());
      }
    });
  }

  async #claim(): Promise<void> {
    const limit = this.#holder.freeSlots();
    let nextDueAt: number | undefined;
    try {
      const terms = this.terms();
      const result = await this.#store.claimTasks({ ...terms, limit, reclaimOwn: this.#reclaimOwn });
      this.#reclaimOwn = false;
      for (const lease of result.leases) this.#holder.run(lease, terms.until);
      // A full claim may have left more: ask again at once.
      if (result.leases.length === limit) this.#claimAgain = true;
      nextDueAt = result.nextDueAt;
    } catch (error) {
      this.#logger.warn({ err: error }, 'claiming tasks failed; trying again');
    }
    if (!this.#running) return;
    const pollAt = this.#clock.now() + this.#settings.pollIntervalMs;
    this.#sleepUntil(nextDueAt === undefined ? pollAt : Math.min(pollAt, nextDueAt));
  }

  #sleepUntil(at: number | undefined): void {
    if (this.#wakeTimer !== undefined) this.#clock.clearTimeout(this.#wakeTimer);
    this.#wakeTimer = undefined;
    if (at === undefined) return;
    this.#wakeTimer = this.#clock.setTimeout(
      () => {
        this.#wakeTimer = undefined;
        this.wake();
      },
      Math.max(0, at - this.#clock.now()),
    );
  }

  async #renew(): Promise<void> {
    const held = this.#holder.held();
    if (held.length === 0) return;
    try {
      // The deadline counts from the sending, as the store's new expiry does: counted from the answer, it would
      // outlast the store's lease by the round trip (or by a freeze while the answer waited).
      const { until } = this.terms();
      const lost = await this.#store.renewLeases(this.#settings.workerId, held, until);
      if (lost.length === 0) this.#holder.renewed(held, until);
      else {
        this.#holder.renewed(
          held.filter((lease) => !lost.includes(lease.taskId)),
          until,
        );
        this.#holder.lost(held.filter((lease) => lost.includes(lease.taskId)));
      }
    } catch (error) {
      this.#logger.warn({ err: error, leases: held.length }, 'renewing leases failed; trying again');
    }
  }
}
