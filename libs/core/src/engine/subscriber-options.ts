import { checkEventPatterns } from '../domain/event-pattern.js';
import type { EngineEvent, EventPattern } from '../domain/events.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';

/** What a durable subscriber's handler is told besides the event. */
export interface EventDelivery {
  /** The event's id in the store's log. */
  id: string;
  /** 1 for the first try of this event, 2 for its first retry, and so on (in this worker). */
  attempt: number;
  /** Aborted when the engine stops or this worker loses the subscriber to another. */
  signal: AbortSignal;
}

/** How long a durable subscriber waits before trying a failed event again: doubling from `baseMs` up to `maxMs`. */
export interface SubscriberRetry {
  baseMs: number;
  maxMs: number;
}

/** A durable, named subscriber to the store's event log (see `Engine.subscribe`). */
export interface EventSubscriberOptions {
  /** Unique per store: where the subscriber stands is stored under it, and one worker at a time delivers to it. */
  name: string;
  /** Only events whose type matches one of these (`'step.*'`, `'task.completed'`, `'custom.*'`); all when absent. */
  types?: readonly EventPattern[];
  /** Only the events of this namespace's tasks. */
  namespace?: string;
  /**
   * Handles one event. Resolving moves the subscriber past it; throwing retries the same event after a backoff,
   * for as long as it takes, before any later one (so that order holds). Runs at least once per event: make it
   * idempotent (the event id is a good key).
   */
  handle(event: EngineEvent, delivery: EventDelivery): Promise<void> | void;
  /** Backoff between tries of a failing event; 1 s doubling up to 1 min when absent. */
  retry?: Partial<SubscriberRetry>;
  /**
   * Where a subscriber with no stored position starts: from the oldest event the log keeps (`'oldest'`, the
   * default) or after the newest one at its first start (`'newest'`).
   */
  startAt?: 'oldest' | 'newest';
}

/** The options of a subscriber, checked, with defaults in place. */
export type SubscriberSettings = Omit<EventSubscriberOptions, 'retry' | 'startAt'> & {
  retry: SubscriberRetry;
  startAt: 'oldest' | 'newest';
};

const DEFAULT_RETRY: SubscriberRetry = { baseMs: 1_000, maxMs: 60_000 };

function positiveMs(field: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))
    throw new InvalidRequestError(field, 'must be a positive number of ms');
  return value;
}

/**
 * Checks a subscriber's options; `field` names them in errors (`subscribe`, `webhooks[0]`).
 * @throws InvalidRequestError naming the option that is wrong.
 */
export function subscriberSettings(options: EventSubscriberOptions, field = 'subscriber'): SubscriberSettings {
  const { name, types, namespace, handle, retry = {}, startAt = 'oldest' } = options;
  if (typeof name !== 'string' || name.trim() === '')
    throw new InvalidRequestError(`${field}.name`, 'must be a non-empty string');
  // The engine keeps its own store-wide holds under these names (the retention hold).
  if (name.startsWith('@tasker/'))
    throw new InvalidRequestError(`${field}.name`, `'${name}': names starting with '@tasker/' are reserved`);
  if (types !== undefined) checkEventPatterns(`${field}.types`, types);
  if (namespace !== undefined && typeof namespace !== 'string')
    throw new InvalidRequestError(`${field}.namespace`, 'must be a string');
  if (typeof handle !== 'function') throw new InvalidRequestError(`${field}.handle`, 'must be a function');
  if (startAt !== 'oldest' && startAt !== 'newest')
    throw new InvalidRequestError(`${field}.startAt`, "must be 'oldest' or 'newest'");
  const baseMs = positiveMs(`${field}.retry.baseMs`, retry.baseMs ?? DEFAULT_RETRY.baseMs);
  const maxMs = positiveMs(`${field}.retry.maxMs`, retry.maxMs ?? Math.max(DEFAULT_RETRY.maxMs, baseMs));
  if (maxMs < baseMs) throw new InvalidRequestError(`${field}.retry.maxMs`, 'must not be less than retry.baseMs');
  return {
    name,
    handle,
    retry: { baseMs, maxMs },
    startAt,
    ...(types === undefined ? {} : { types }),
    ...(namespace === undefined ? {} : { namespace }),
  };
}
