import type { EventPattern } from '../domain/events.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import type { EventLog, LoggedEvent } from '../store/event-log.js';

/** Which events of the store's log to read (see {@link EventFeed.read}). */
export interface EventFeedQuery {
  /** Only events after this id; from the oldest kept when absent. */
  after?: string;
  /** Only events whose type matches one of these patterns (`'step.*'`, `'task.completed'`, `'*'`). */
  types?: readonly EventPattern[];
  namespace?: string;
  taskId?: string;
  /** Most events to answer, 1 to 1000; 100 when absent. */
  limit?: number;
}

/** What {@link EventFeed.follow} follows: the filters of a read, from `after` (or from now), until `signal` aborts. */
export interface EventFollowOptions extends Omit<EventFeedQuery, 'limit'> {
  /** Without `after`: from the oldest event kept rather than from now. */
  fromStart?: boolean;
  signal?: AbortSignal;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1_000;
/** How many events `follow` reads at once. */
const FOLLOW_PAGE = 500;

function checkQuery(query: EventFeedQuery): void {
  for (const field of ['after', 'namespace', 'taskId'] as const) {
    if (query[field] !== undefined && typeof query[field] !== 'string')
      throw new InvalidRequestError(field, 'must be a string');
  }
  if (query.types !== undefined) {
    if (!Array.isArray(query.types)) throw new InvalidRequestError('types', 'must be an array of event patterns');
    query.types.forEach((type, index) => {
      if (typeof type !== 'string' || type === '')
        throw new InvalidRequestError(`types[${index}]`, 'must be an event name or pattern');
    });
  }
  const { limit } = query;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT))
    throw new InvalidRequestError('limit', `must be a whole number from 1 to ${MAX_LIMIT}`);
}

/** The filters of `query` without its absent fields, for the store. */
function filtersOf({ types, namespace, taskId }: EventFeedQuery) {
  return {
    ...(types === undefined ? {} : { types }),
    ...(namespace === undefined ? {} : { namespace }),
    ...(taskId === undefined ? {} : { taskId }),
  };
}

/**
 * The events of every worker on the engine's store, read from its event log: `engine.events`. Ids increase in
 * commit order, so a reader that resumes after the last id it saw misses nothing and sees nothing twice.
 */
export class EventFeed {
  readonly #log: EventLog;
  readonly #pollIntervalMs: number;
  readonly #purge: () => Promise<number>;

  /**
   * @param pollIntervalMs how often `follow` reads when the store sends no wake-up (SQLite across processes).
   * @param purge deletes what the log's retention says is too old or too many.
   */
  constructor(log: EventLog, pollIntervalMs: number, purge: () => Promise<number>) {
    this.#log = log;
    this.#pollIntervalMs = pollIntervalMs;
    this.#purge = purge;
  }

  /**
   * Deletes now the events the engine's `eventLog` retention says are too old or beyond the count (the engine also
   * does so every `purgeIntervalMs` while it runs); answers how many.
   */
  purge(): Promise<number> {
    return this.#purge();
  }

  /**
   * Events matching `query`, oldest first, with their ids.
   * @throws InvalidRequestError naming the field that is wrong, or an `after` that is no id of this store.
   */
  read(query: EventFeedQuery = {}): Promise<LoggedEvent[]> {
    checkQuery(query);
    const { after, limit = DEFAULT_LIMIT } = query;
    return this.#log.readEvents({ ...filtersOf(query), ...(after === undefined ? {} : { after }), limit });
  }

  /**
   * The id of the newest event in the log, if any: a position to `follow` from that a caller fixes before it says
   * it is listening, so that nothing committed after that moment is missed.
   */
  lastId(): Promise<string | undefined> {
    return this.#log.lastEventId();
  }

  /**
   * Every event matching `options` committed after `options.after` (after the newest event when absent, or from the
   * oldest with `fromStart`), in id
   * order, without gap or duplicate, as it comes: woken by the store (LISTEN/NOTIFY on PostgreSQL, stream blocking
   * reads on Redis, this process's own commits on SQLite and memory) and polling every `pollIntervalMs` besides.
   * Ends when `signal` aborts or the caller breaks out of the loop.
   * @throws InvalidRequestError naming the field that is wrong.
   */
  follow(options: EventFollowOptions = {}): AsyncGenerator<LoggedEvent, void, undefined> {
    const { signal, fromStart = false, ...query } = options;
    checkQuery(query);
    return this.#follow(query, fromStart, signal);
  }

  async *#follow(
    query: EventFeedQuery,
    fromStart: boolean,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<LoggedEvent, void, undefined> {
    const filters = filtersOf(query);
    let after = query.after ?? (fromStart ? undefined : await this.#log.lastEventId());
    // Set by every wake-up, cleared before every read: one that comes during a read makes the next read start at once.
    let woken = false;
    let wake: (() => void) | undefined;
    const onWake = () => {
      woken = true;
      wake?.();
    };
    const stopWatching = await this.#log.watchEvents(onWake);
    signal?.addEventListener('abort', onWake);
    try {
      while (!signal?.aborted) {
        woken = false;
        const page = await this.#log.readEvents({
          ...filters,
          ...(after === undefined ? {} : { after }),
          limit: FOLLOW_PAGE,
        });
        for (const logged of page) {
          if (signal?.aborted) return;
          after = logged.id;
          yield logged;
        }
        if (page.length === FOLLOW_PAGE || woken) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.#pollIntervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    } finally {
      signal?.removeEventListener('abort', onWake);
      await stopWatching();
    }
  }
}
