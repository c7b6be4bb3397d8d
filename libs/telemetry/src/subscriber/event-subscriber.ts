import {
  EVENT_TYPES,
  InvalidRequestError,
  type Engine,
  type EngineEventType,
  type EventListener,
  type EventOf,
} from '@tasker/core';
import { handlerName, type HandlerName } from './handler-name.js';

/**
 * The optional handler methods of a subscriber, one per event type, each taking that event:
 * `handleStepFailed(event: StepEvent<'step.failed'>)` and so on.
 */
export type EventHandlers = {
  [T in EngineEventType as HandlerName<T>]?: EventListener<EventOf<T>>;
};

/**
 * The base class of the seed's `CheckoutMonitor` pattern: a subclass declares the events it handles in
 * `static subscribesTo` and implements one method per event, named after it (`step.failed` → `handleStepFailed`).
 * `subscribe(engine)` checks the declaration against the methods and subscribes them. `implements EventHandlers`
 * lets TypeScript check the methods' names and signatures too.
 *
 * Handlers run on the engine's event bus: after the transition is durable, each in a microtask of its own. One that
 * throws, rejects or takes long (awaiting I/O) neither delays the engine nor changes any outcome; its error is
 * logged by the engine's logger. Keep synchronous work short: it runs on the engine's thread.
 *
 * @example
 * class CheckoutMonitor extends EventSubscriber implements EventHandlers {
 *   static override readonly subscribesTo = ['step.failed', 'task.completed'] as const;
 *
 *   async handleStepFailed(event: StepEvent<'step.failed'>) {
 *     if (event.namespace === 'ecommerce' && event.stepName === 'process_payment') {
 *       await slack.postMessage({ channel: '#payments-critical', text: `Payment failure: ${event.error?.message}` });
 *     }
 *   }
 *
 *   handleTaskCompleted(event: TaskTransitionEvent<'task.completed'>) {
 *     orders.completed.inc();
 *   }
 * }
 * const unsubscribe = new CheckoutMonitor().subscribe(engine);
 */
export abstract class EventSubscriber {
  /** The events this subscriber handles; each needs its handler method. */
  static readonly subscribesTo: readonly EngineEventType[] = [];

  /**
   * Subscribes this subscriber's handlers to `engine`'s events; returns the function that unsubscribes them all.
   * @throws InvalidRequestError naming an unknown event type or a declared event without its method.
   */
  subscribe(engine: Engine): () => void {
    const subscriber = this.constructor as typeof EventSubscriber;
    const handlers = subscriber.subscribesTo.map((type) => {
      const where = `${subscriber.name}.subscribesTo`;
      if (!EVENT_TYPES.includes(type)) {
        throw new InvalidRequestError(where, `'${type}' is no engine event; known events: ${EVENT_TYPES.join(', ')}`);
      }
      // The handler of `type` takes `EventOf<type>`, which is what `engine.on(type)` gives it.
      const method = (this as EventHandlers)[handlerName(type)] as EventListener | undefined;
      if (typeof method !== 'function') {
        throw new InvalidRequestError(
          where,
          `'${type}' is declared but ${subscriber.name} has no ${handlerName(type)}(event)`,
        );
      }
      return { type, handle: method.bind(this) };
    });
    const unsubscribers = handlers.map(({ type, handle }) => engine.on(type, handle));
    return () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
    };
  }
}
