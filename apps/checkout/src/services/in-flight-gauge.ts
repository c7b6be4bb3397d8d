/**
 * Counts the calls in flight per key (a merchant's payments) and keeps the highest count each key reached: what the
 * Black Friday bench reads to see that a concurrency key held.
 */
export class InFlightGauge {
  readonly #now = new Map<string, number>();
  readonly #peaks = new Map<string, number>();

  /** Runs `call` counted as in flight under `key` until it settles. */
  async around<T>(key: string, call: () => Promise<T>): Promise<T> {
    const count = (this.#now.get(key) ?? 0) + 1;
    this.#now.set(key, count);
    this.#peaks.set(key, Math.max(count, this.#peaks.get(key) ?? 0));
    try {
      return await call();
    } finally {
      this.#now.set(key, this.#now.get(key)! - 1);
    }
  }

  /** The highest number of calls in flight at once, per key, since the process started. */
  peaks(): Record<string, number> {
    return Object.fromEntries(this.#peaks);
  }
}
