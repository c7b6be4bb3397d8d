import { isCustomEvent, type Engine, type TransitionEvent } from '@tasker/core';

type TaskListener = (event: TransitionEvent) => void;

/**
 * Hands each transition's event to the listeners of its task only: one engine subscription however many browsers watch
 * an order, instead of every stream filtering every event.
 */
export class TaskEventFeed {
  readonly #listeners = new Map<string, Set<TaskListener>>();
  readonly #unsubscribe: () => void;

  constructor(engine: Engine) {
    this.#unsubscribe = engine.on('*', (event) => {
      // The storefront draws states: a custom event changes none.
      if (isCustomEvent(event)) return;
      for (const listener of this.#listeners.get(event.taskId) ?? []) listener(event);
    });
  }

  /** Calls `listener` with every event of task `taskId` until the returned function is called. */
  subscribe(taskId: string, listener: TaskListener): () => void {
    let listeners = this.#listeners.get(taskId);
    if (!listeners) this.#listeners.set(taskId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      // Only this set's own entry: a repeated call must not drop a set a later subscriber made.
      if (listeners.size === 0 && this.#listeners.get(taskId) === listeners) this.#listeners.delete(taskId);
    };
  }

  close(): void {
    this.#unsubscribe();
    this.#listeners.clear();
  }
}
