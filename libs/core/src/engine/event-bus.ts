import type { EngineEvent, EventOf, EventPattern } from '../domain/events.js';
import { eventMatches } from '../domain/event-pattern.js';
import type { Logger } from '../ports/logger.js';

/** A function called with every event that matches its pattern; `EventListener<EventOf<'step.*'>>` gets step events. */
export type EventListener<E extends EngineEvent = EngineEvent> = (event: E) => void | Promise<void>;

/**
 * Delivers engine events to listeners. A listener that throws, rejects or takes long never delays or breaks
 * the engine: each runs in a microtask of its own, and its errors are logged.
 */
export class EventBus {
  readonly #listeners = new Set<{ pattern: EventPattern; listener: EventListener }>();
  /** {@link wants} by event type, for the listeners as they are now; cleared whenever they change. */
  readonly #wanted = new Map<string, boolean>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Subscribes `listener` to events matching `pattern`; returns the function that unsubscribes it. */
  on<P extends EventPattern>(pattern: P, listener: EventListener<EventOf<P>>): () => void {
    // Sound: `emit` calls it only with events that match `pattern`, which are `EventOf<P>`.
    const entry = { pattern, listener: listener as EventListener };
    this.#listeners.add(entry);
    this.#wanted.clear();
    return () => {
      this.#wanted.clear();
      return this.#listeners.delete(entry);
    };
  }

  /** Whether anyone listens to `type`: lets the engine skip building events nobody reads. */
  wants(type: string): boolean {
    let wanted = this.#wanted.get(type);
    if (wanted === undefined) {
      wanted = false;
      for (const { pattern } of this.#listeners) if (eventMatches(pattern, type)) wanted = true;
      this.#wanted.set(type, wanted);
    }
    return wanted;
  }

  emit(event: EngineEvent): void {
    for (const { pattern, listener } of this.#listeners) {
      if (!eventMatches(pattern, event.type)) continue;
      queueMicrotask(() => {
        try {
          const result = listener(event);
          if (result instanceof Promise) result.catch((error: unknown) => this.#report(error, event));
        } catch (error) {
          this.#report(error, event);
        }
      });
    }
  }

  #report(error: unknown, event: EngineEvent): void {
    this.#logger.error({ err: error, event: event.type, taskId: event.taskId }, 'event listener failed');
  }
}
