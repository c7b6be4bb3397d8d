/**
 * Where the engine reads time and sets timers: the seam that makes time testable. XState's `SimulatedClock` fits
 * it, so tests move time forward instead of sleeping through a backoff.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(id: unknown): void;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout),
};
