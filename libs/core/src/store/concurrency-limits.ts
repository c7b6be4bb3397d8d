/** A request for one slot of a concurrency key's semaphore (see {@link ConcurrencyLimits.acquireSlot}). */
export interface SlotRequest {
  /** The semaphore: a step's concurrency key with its value resolved (`ecommerce/process_order/process_payment:"m-1"`). */
  key: string;
  /** How many holders the key takes at once. */
  limit: number;
  /** Who asks: one step of one task (`<taskId>/<step>`). Asking again while holding renews the slot. */
  holder: string;
  /** When the slot's lease ends unless renewed: a crashed worker's slot frees then. */
  until: number;
  /** The asking engine's time: slots whose lease ended by then are free. */
  now: number;
}

/**
 * What {@link ConcurrencyLimits.acquireSlot} answered: the slot is the holder's until its `until`, or every slot is
 * taken and the first of them lapses at `retryAt` unless renewed (a release is announced before then).
 */
export type SlotGrant = { acquired: true } | { acquired: false; retryAt: number };

/** One slot a holder keeps: renewed with its task's lease, released when its step's attempt ends. */
export interface HeldSlot {
  key: string;
  holder: string;
}

/**
 * Concurrency keys: semaphores with leases, shared by every worker of a store, that cap how many steps of one key
 * run at once (a step's `concurrency: { key, limit }`).
 *
 * Promises:
 * - No more than `limit` holders of one key hold unexpired slots at once, whichever workers ask concurrently; the
 *   count and the grant are one atomic statement or script.
 * - A holder asking again while it holds a slot keeps it (its lease extended), never takes a second one.
 * - A slot whose lease ended (its worker crashed) is free for the next asker, with nothing else to clean up.
 * - Releasing a slot announces work like a released task lease ({@link TaskLeasing.watchWork}), so throttled steps
 *   of every worker ask again; releasing a slot not held does nothing.
 */
export interface ConcurrencyLimits {
  /** Gives `request.holder` a slot of `request.key` when fewer than `limit` others hold one. */
  acquireSlot(request: SlotRequest): Promise<SlotGrant>;
  /** Extends the leases of `slots` that their holders still hold to `until`; others are left alone. */
  renewSlots(slots: HeldSlot[], until: number): Promise<void>;
  /** Frees `slot` and announces it when it was held. */
  releaseSlot(slot: HeldSlot): Promise<void>;
}
