/** How many tasks' rollups a store instance keeps in mind at most; past that it starts over. */
const MAX_REMEMBERED = 100_000;

/**
 * The analytics rollup (its key, or `null` for none) of each task this store instance created, loaded or committed
 * to lately, so that a commit names it in its script's KEYS without reading it first: the commit script changes a
 * task's rollup, whose name (minute and template of the task's creation) the write does not carry. A task not
 * remembered (another process created it; an operator acts on it) has its name read from its hash (`@rollup`)
 * before the commit, in one pipeline per shard. A finished task is forgotten.
 */
export class RollupNames {
  readonly #names = new Map<string, string | null>();

  remember(taskId: string, rollup: string | null): void {
    if (this.#names.size >= MAX_REMEMBERED) this.#names.clear();
    this.#names.set(taskId, rollup);
  }

  forget(taskId: string): void {
    this.#names.delete(taskId);
  }

  /** The task's rollup, `null` when it has none, `undefined` when not remembered. */
  of(taskId: string): string | null | undefined {
    return this.#names.get(taskId);
  }
}
