import type { SimulatedClock } from 'xstate';

/**
 * Waits, in real time and a little at a time (20 s at most), until `check` holds; with a simulated `clock`, its due
 * timers are flushed before each check, so that work the clock already made due runs.
 * @throws Error naming `what` when it never holds.
 */
export async function until(check: () => Promise<boolean>, what: string, clock?: SimulatedClock): Promise<void> {
  for (let round = 0; round < 4_000; round++) {
    clock?.increment(0);
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`gave up waiting until ${what}`);
}
