/** How a queued write ended: durable, or given up with why (fenced off, refused by the store, lost from it). */
export type WriteOutcome = { durable: true } | { durable: false; why: string };

const DURABLE: WriteOutcome = { durable: true };

/**
 * What `WriteQueue.enqueue` answers: a thenable of the write's {@link WriteOutcome}, settled once the batch holding
 * the write has committed. It never rejects: a write the store did not take resolves with why, so that the many
 * handles nobody awaits cannot become unhandled rejections.
 *
 * A thenable, not a promise: all writes of one batch share the batch's one promise, and a handle makes a promise of
 * its own only when awaited (the attempt runner and operator actions do; most writes are never waited on).
 */
export class WriteHandle implements PromiseLike<WriteOutcome> {
  readonly #taskId: string;
  readonly #committed: Promise<ReadonlyMap<string, string>>;

  /** `committed` resolves with the tasks of the batch whose writes were not durable, each with why. */
  constructor(taskId: string, committed: Promise<ReadonlyMap<string, string>>) {
    this.#taskId = taskId;
    this.#committed = committed;
  }

  then<Fulfilled = WriteOutcome, Rejected = never>(
    onFulfilled?: ((outcome: WriteOutcome) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onRejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    return this.#committed
      .then((dropped): WriteOutcome => {
        const why = dropped.get(this.#taskId);
        return why === undefined ? DURABLE : { durable: false, why };
      })
      .then(onFulfilled, onRejected);
  }
}
