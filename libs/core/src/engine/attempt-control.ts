/**
 * The stop switch of one running attempt: thrown when its step leaves the attempt (done, timed out, cancelled,
 * interrupted) or its task leaves this engine. The handler's `AbortSignal` is made only when the handler asks for
 * it: most handlers never do, and an `AbortController` per attempt is not free.
 */
export class AttemptControl {
  #stopped = false;
  /** Why the attempt was stopped, when the stopper said (the task's deadline): the signal's `reason`. */
  #reason: Error | undefined;
  #controller: AbortController | undefined;
  readonly #onStop = new Set<() => void>();

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Aborted once the attempt is stopped. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#stopped) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Calls `listener` when the attempt is stopped (at once if it is already); returns the function that forgets it. */
  onStop(listener: () => void): () => void {
    if (this.#stopped) listener();
    else this.#onStop.add(listener);
    return () => this.#onStop.delete(listener);
  }

  /** Stops the attempt; `reason` becomes its signal's `reason` (an `AbortError` when absent). */
  stop(reason?: Error): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    for (const listener of this.#onStop) listener();
    this.#onStop.clear();
  }
}
