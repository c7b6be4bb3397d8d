import type { EngineEvent } from '../domain/events.js';
import { copyJson } from '../domain/copy-json.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import type { EventLog, EventPurge, EventQuery, LoggedEvent } from './event-log.js';
import { eventMatchesQuery } from './event-query.js';

/** The parsed `after` of a query: an id this log gave, a whole number from 1. */
export function sequenceOf(after: string | undefined): number {
  if (after === undefined) return 0;
  if (!/^\d{1,15}$/.test(after)) throw new InvalidRequestError('after', `'${after}' is no event id of this store`);
  return Number(after);
}

/**
 * Most events the memory store keeps, whatever the engine's retention says: the log lives in the process's memory,
 * so a long in-memory run must not grow without bound until the next purge.
 */
export const MEMORY_EVENT_LOG_CAPACITY = 100_000;

/**
 * The {@link EventLog} of the memory store: an array in commit order, ids counting from 1. Past twice
 * {@link MEMORY_EVENT_LOG_CAPACITY} events it drops all but the newest {@link MEMORY_EVENT_LOG_CAPACITY}.
 */
export class MemoryEventLog implements EventLog {
  #events: Array<{ sequence: number; event: EngineEvent }> = [];
  #lastSequence = 0;
  readonly #watchers = new Set<() => void>();

  /**
   * Appends the events of one commit and tells the watchers after the current call. Not copied, as the store's
   * writes are not: the engine never changes an event once it is queued, and every read copies.
   */
  append(events: readonly EngineEvent[]): void {
    if (events.length === 0) return;
    for (const event of events) this.#events.push({ sequence: ++this.#lastSequence, event });
    // Trimmed by halves rather than one by one, so that appending stays cheap.
    if (this.#events.length > 2 * MEMORY_EVENT_LOG_CAPACITY)
      this.#events = this.#events.slice(-MEMORY_EVENT_LOG_CAPACITY);
    if (this.#watchers.size > 0) setImmediate(() => this.#watchers.forEach((onEvents) => onEvents()));
  }

  async readEvents(query: EventQuery): Promise<LoggedEvent[]> {
    const after = sequenceOf(query.after);
    const found: LoggedEvent[] = [];
    for (const { sequence, event } of this.#events) {
      if (found.length >= query.limit) break;
      if (sequence > after && eventMatchesQuery(event, query))
        found.push({ id: String(sequence), event: copyJson(event) as EngineEvent });
    }
    return found;
  }

  async lastEventId(): Promise<string | undefined> {
    return this.#events.length === 0 ? undefined : String(this.#lastSequence);
  }

  async watchEvents(onEvents: () => void): Promise<() => Promise<void>> {
    this.#watchers.add(onEvents);
    return async () => void this.#watchers.delete(onEvents);
  }

  /** Deletes every event of the tasks in `taskIds` (their tasks were purged). */
  forgetTasks(taskIds: ReadonlySet<string>): void {
    this.#events = this.#events.filter(({ event }) => !taskIds.has(event.taskId));
  }

  async purgeEvents({ before, keepNewest, limit }: EventPurge): Promise<number> {
    const beyondCount = Math.max(0, this.#events.length - keepNewest);
    let deleted = 0;
    while (
      deleted < limit &&
      deleted < this.#events.length &&
      (deleted < beyondCount || this.#events[deleted]!.event.at < before)
    )
      deleted++;
    this.#events = this.#events.slice(deleted);
    return deleted;
  }
}
