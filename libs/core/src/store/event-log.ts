import type { EngineEvent, EventPattern } from '../domain/events.js';

/** An engine event as the store's event log holds it: with the id the store gave it. */
export interface LoggedEvent {
  /**
   * The event's id in the log, increasing in the order the store committed the events; opaque (a decimal number on
   * SQL, a stream id on Redis): compare ids only by giving one back as `after`.
   */
  id: string;
  event: EngineEvent;
}

/** Which events of the log to read. */
export interface EventQuery {
  /** Only events after this id (exclusive); from the oldest kept when absent. */
  after?: string;
  /** Only events whose type matches one of these patterns (`'step.*'`, `'task.completed'`); all when absent. */
  types?: readonly EventPattern[];
  namespace?: string;
  taskId?: string;
  /** Most events to answer; the store may answer fewer only when no more match. */
  limit: number;
}

/** What {@link EventLog.purgeEvents} deletes, oldest first. */
export interface EventPurge {
  /** Deletes events whose `at` is earlier than this (engine time, ms). */
  before: number;
  /** Deletes the oldest events beyond this many. */
  keepNewest: number;
  /** Most events to delete in this call, so that one purge never holds the store for long. */
  limit: number;
}

/**
 * The store's event log (an outbox): every event a task's write causes is appended in the same commit as the write
 * (`TaskWrite.events`), so the log holds exactly the events of durable writes, fenced writes' events never; readers
 * in any process follow it.
 *
 * Promises:
 * - Ids increase in commit order: a reader that read up to an id never later finds an event with a smaller one, so
 *   reading on `after` the last id seen misses nothing and repeats nothing.
 * - `readEvents` answers events in id order; nothing here but `commit` and `purgeEvents` writes.
 * - `watchEvents` calls its listener after events were committed, by any process where the store can tell (by this
 *   store instance at least); a listener may be called when nothing new matches it, so readers poll as well.
 * - `purgeEvents` deletes only events matching its limits, oldest first, and is idempotent.
 */
export interface EventLog {
  /** Events matching `query`, in id order. @throws InvalidRequestError when `after` is not an id of this store. */
  readEvents(query: EventQuery): Promise<LoggedEvent[]>;
  /** The id of the newest event in the log, if any: where a reader that wants only new events starts. */
  lastEventId(): Promise<string | undefined>;
  /** Calls `onEvents` when events may have been committed; resolves once watching, with the function that stops it. */
  watchEvents(onEvents: () => void): Promise<() => Promise<void>>;
  /** Deletes up to `purge.limit` events that are too old or beyond the newest `keepNewest`; answers how many. */
  purgeEvents(purge: EventPurge): Promise<number>;
}
