/** A worker's request to hold subscriber `name`, as task claims are made: by whom, now, and until when. */
export interface SubscriberClaim {
  /** The durable subscriber's name, unique per store. */
  name: string;
  workerId: string;
  /** The engine clock's time now (ms since the epoch): a hold whose `until` is at or before it has lapsed. */
  now: number;
  /** When the hold ends unless claimed again (ms since the epoch). */
  until: number;
}

/** What a claim of a subscriber answers: the hold's fencing token and where the subscriber stands. */
export interface SubscriberHold {
  /**
   * Raised by every claim that takes the subscriber from another worker or after a lapse (kept when its holder
   * renews in time), so that a worker that lost the subscriber saves no position.
   */
  token: number;
  /** The id of the last event the subscriber handled; absent before its first. */
  position?: string;
}

/**
 * Where each durable subscriber (`engine.subscribe`) stands in the event log, and which worker delivers to it: one
 * record per name, store-wide, so that a subscriber resumes after a restart where it stopped and two workers that
 * register one name never both deliver.
 *
 * Promises:
 * - `claimSubscriber` holds the name for at most one worker at a time: it succeeds when the name is new, free
 *   (released or lapsed) or already held by the same worker, and raises the token unless the same worker renews a
 *   hold that has not lapsed.
 * - `saveSubscriberPosition` writes only with the current token: a worker that lost the hold cannot move the
 *   position back or forth.
 * - `releaseSubscriber` frees the name at once, and only with the current token.
 */
export interface SubscriberPositions {
  /** Takes or renews the hold on `claim.name`; answers it, or `undefined` while another worker holds the name. */
  claimSubscriber(claim: SubscriberClaim): Promise<SubscriberHold | undefined>;
  /** Records `position` as the last event `name` handled; answers false (and writes nothing) when `token` is stale. */
  saveSubscriberPosition(name: string, token: number, position: string): Promise<boolean>;
  /** Frees the name for any worker, if `token` is still its hold's. */
  releaseSubscriber(name: string, token: number): Promise<void>;
  /** The last event `name` handled, if any. */
  readSubscriberPosition(name: string): Promise<string | undefined>;
}
