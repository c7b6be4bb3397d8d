import { isCustomEvent, type Engine, type TransitionEvent } from '@tasker/core';

type TaskListener = (event: TransitionEvent) => void;

/**
 * The transitions of one task at a time for the storefront's order streams, read from the store's event log: each
 * subscriber gets its task's transitions from the task's first one (so a page that subscribes late still shows
 * `pending → in_progress` and the first steps), then as they are committed, whichever worker runs the task.
 */
export class TaskEventFeed {
  readonly #engine: Pick<Engine, 'events'>;
  readonly #following = new Set<AbortController>();

  constructor(engine: Pick<Engine, 'events'>) {
    this.#engine = engine;
  }

  /**
   * Calls `listener` with every transition of task `taskId`, oldest first, until the returned function is called;
   * `failed` when reading the log fails (the store is down), after which nothing more comes.
   */
  subscribe(taskId: string, listener: TaskListener, failed: (error: unknown) => void = () => undefined): () => void {
    const following = new AbortController();
    this.#following.add(following);
    const events = this.#engine.events.follow({ taskId, fromStart: true, signal: following.signal });
    void (async () => {
      try {
        // The storefront draws states: a custom event changes none.
        for await (const { event } of events) if (!isCustomEvent(event)) listener(event);
      } catch (error) {
        failed(error);
      }
    })();
    return () => {
      following.abort();
      this.#following.delete(following);
    };
  }

  /** Stops every subscription. */
  close(): void {
    for (const following of this.#following) following.abort();
    this.#following.clear();
  }
}
