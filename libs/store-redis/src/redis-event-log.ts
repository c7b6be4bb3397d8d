import {
  InvalidRequestError,
  eventMatchesQuery,
  sharedWatch,
  type EngineEvent,
  type EventLog,
  type EventPurge,
  type EventQuery,
  type LoggedEvent,
} from '@tasker/core';
import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script.js';
import { RedisSeam } from './redis-seam.js';
import { pipelineReplies } from './pipeline-replies.js';
import type { RedisKeys } from './redis-keys.js';
import { PURGE_EVENTS_SCRIPT } from './scripts/purge-events-script.js';

const purgeScript = new LuaScript(PURGE_EVENTS_SCRIPT);

/** A stream entry as XRANGE and XREAD answer it: the id and the flat list of fields and values. */
type StreamEntry = [id: string, fields: string[]];

/** How many entries one read of the stream takes when filters may leave most of them out. */
const SCAN_PAGE = 500;
/** How long a watcher whose blocking read failed waits before reading again. */
const REWATCH_DELAY_MS = 1_000;

function eventOf([, fields]: StreamEntry): EngineEvent {
  const at = fields.indexOf('e');
  return JSON.parse(fields[at + 1]!) as EngineEvent;
}

/** The exclusive start of a range after `after`, checked to be a stream id. */
function startAfter(after: string | undefined): string {
  if (after === undefined) return '-';
  if (!/^\d{1,20}-\d{1,20}$/.test(after))
    throw new InvalidRequestError('after', `'${after}' is no event id of this store`);
  return `(${after}`;
}

const filters = ({ types, namespace }: EventQuery) => types !== undefined || namespace !== undefined;

/** Whether stream id `id` comes after stream id `after` (`<ms>-<sequence>`, compared as numbers). */
function isAfter(id: string, after: string): boolean {
  const [ms, sequence] = id.split('-').map(BigInt) as [bigint, bigint];
  const [afterMs, afterSequence] = after.split('-').map(BigInt) as [bigint, bigint];
  return ms > afterMs || (ms === afterMs && sequence > afterSequence);
}

/**
 * The {@link EventLog} of the Redis store: the stream `events` of the prefix, appended to by the commit script.
 * Filters are applied here: one task's events are found through the task's list of their ids, other filters by
 * reading the stream in pages; a watcher blocks on XREAD on a connection of its own.
 */
export class RedisEventLog extends RedisSeam implements EventLog {
  readonly #prefix: string;
  readonly #stream: string;
  readonly #readers = new Set<Redis>();
  /** One blocking reader however many follow the log. */
  readonly #watch = sharedWatch((notify) => this.#startReader(notify));

  constructor(client: Redis, keys: RedisKeys, countCommand: () => void) {
    super(client, keys, countCommand);
    this.#prefix = keys.prefix;
    this.#stream = keys.events;
  }

  async readEvents(query: EventQuery): Promise<LoggedEvent[]> {
    const start = startAfter(query.after);
    return query.taskId === undefined ? this.#scan(query, start) : this.#readTask(query, query.taskId);
  }

  /** Events of every task, read from the stream in pages and filtered here. */
  async #scan(query: EventQuery, from: string): Promise<LoggedEvent[]> {
    const found: LoggedEvent[] = [];
    let start = from;
    const page = filters(query) ? Math.max(query.limit, SCAN_PAGE) : query.limit;
    for (;;) {
      this.countCommand();
      const entries = (await this.client.xrange(this.#stream, start, '+', 'COUNT', page)) as StreamEntry[];
      for (const entry of entries) {
        const event = eventOf(entry);
        if (eventMatchesQuery(event, query)) found.push({ id: entry[0], event });
        if (found.length === query.limit) return found;
      }
      if (entries.length < page) return found;
      start = `(${entries.at(-1)![0]}`;
    }
  }

  /**
   * One task's events: the ids its `task-events` list holds, then their entries, a page of `limit` per round trip,
   * so that a page following one order reads that order's events, not the whole stream.
   */
  async #readTask(query: EventQuery, taskId: string): Promise<LoggedEvent[]> {
    this.countCommand();
    const ids = await this.client.lrange(this.keys.taskEvents(taskId), 0, -1);
    const { after } = query;
    const later = after === undefined ? ids : ids.filter((id) => isAfter(id, after));
    const found: LoggedEvent[] = [];
    for (let from = 0; from < later.length; from += query.limit) {
      const pipeline = this.client.pipeline();
      for (const id of later.slice(from, from + query.limit)) pipeline.xrange(this.#stream, id, id);
      this.countCommand();
      for (const reply of await pipelineReplies(pipeline)) {
        // An entry purged since the list was read is gone from both.
        const [entry] = reply as StreamEntry[];
        if (!entry) continue;
        const event = eventOf(entry);
        if (eventMatchesQuery(event, query)) found.push({ id: entry[0], event });
        if (found.length === query.limit) return found;
      }
    }
    return found;
  }

  async lastEventId(): Promise<string | undefined> {
    this.countCommand();
    const [last] = (await this.client.xrevrange(this.#stream, '+', '-', 'COUNT', 1)) as StreamEntry[];
    return last?.[0];
  }

  /** Calls `onEvents` whenever entries arrive, through one blocking reader shared by every watcher of this store. */
  watchEvents(onEvents: () => void): Promise<() => Promise<void>> {
    return this.#watch(onEvents);
  }

  /**
   * Blocks on XREAD on a connection of its own (a duplicate of the store's client), from the stream's last entry
   * at the time of the call, and calls `onEvents` whenever entries arrive; after a failed read (a lost
   * connection), once more, since entries may have come meanwhile.
   */
  async #startReader(onEvents: () => void): Promise<() => Promise<void>> {
    const reader = this.client.duplicate();
    reader.on('error', () => undefined);
    this.#readers.add(reader);
    let lastId = (await this.lastEventId()) ?? '0-0';
    let stopped = false;
    void (async () => {
      while (!stopped) {
        try {
          const reply = (await reader.call(
            'XREAD',
            'COUNT',
            1000,
            'BLOCK',
            0,
            'STREAMS',
            this.#stream,
            lastId,
          )) as Array<[string, StreamEntry[]]> | null;
          const entries = reply?.[0]?.[1] ?? [];
          if (entries.length === 0) continue;
          lastId = entries.at(-1)![0];
          onEvents();
        } catch {
          if (stopped) return;
          await new Promise((resolve) => setTimeout(resolve, REWATCH_DELAY_MS));
          onEvents();
        }
      }
    })();
    return async () => {
      stopped = true;
      this.#close(reader);
    };
  }

  async purgeEvents({ before, keepNewest, limit }: EventPurge): Promise<number> {
    return Number(await this.runScript(purgeScript, [this.#prefix, before, keepNewest, limit]));
  }

  /** Closes every watcher's connection: the store is closing. */
  closeAll(): void {
    for (const reader of this.#readers) this.#close(reader);
  }

  #close(reader: Redis): void {
    // A blocked XREAD never answers a QUIT: the connection is cut instead, which ends the read.
    if (this.#readers.delete(reader)) reader.disconnect();
  }
}
