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
import { duplicateClient, type RedisClient } from './connect-client.js';
import { RedisSeam } from './redis-seam.js';
import { pipelineReplies } from './pipeline-replies.js';
import type { OutboxEntry } from './script-arguments.js';
import { SCRIPTS } from './scripts.js';

/** A stream entry as XRANGE and XREAD answer it: the id and the flat list of fields and values. */
type StreamEntry = [id: string, fields: string[]];

/** How many outbox entries a drain reads per shard at a time. */
const APPEND_PAGE = 1_000;
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
 * The {@link EventLog} of the Redis store: the stream `events` of the prefix, in the store-wide slot. The commit
 * script of a shard puts a write's events in the shard's outbox, atomically with the write; the store then appends
 * them to the stream ({@link append}, exactly once whoever appends and however often: see append-events.lua).
 * Entries a process left in an outbox when it died between the two calls are appended by the next commit on that
 * shard, or by the next purge ({@link drainOutboxes}).
 *
 * Filters are applied here: one task's events are found through the task's list of their ids, other filters by
 * reading the stream in pages; a watcher blocks on XREAD on a connection of its own.
 */
export class RedisEventLog extends RedisSeam implements EventLog {
  readonly #readers = new Set<RedisClient>();
  /** One blocking reader however many follow the log. */
  readonly #watch = sharedWatch((notify) => this.#startReader(notify));
  /** The outbox sequence each shard is known to be appended up to: its outbox holds nothing older to send. */
  readonly #appended = new Map<number, number>();

  get #stream(): string {
    return this.keys.events;
  }

  /** The sequence up to which shard `shard`'s outbox is known to be in the log (0 when not known). */
  appendedUpTo(shard: number): number {
    return this.#appended.get(shard) ?? 0;
  }

  /**
   * Appends outbox entries to the stream: `outboxes` holds each shard's as the commit script or a ZRANGE answers
   * them (`[member, sequence, ...]`, oldest first). Entries whose member `rank` orders (a batch's, in its write
   * order) go in that order after the others (older, left behind), each shard's still oldest first.
   */
  async append(
    outboxes: ReadonlyMap<number, readonly string[]>,
    rank: ReadonlyMap<string, number> = new Map(),
  ): Promise<void> {
    const queues = [...outboxes].map(([shard, flat]) => {
      const entries: Array<{ shard: number; sequence: string; entry: string; rank: number }> = [];
      for (let index = 0; index + 1 < flat.length; index += 2) {
        const entry = flat[index]!.slice(flat[index]!.indexOf(' ') + 1);
        entries.push({ shard, sequence: flat[index + 1]!, entry, rank: rank.get(entry) ?? -1 });
      }
      return entries;
    });
    const keys = [this.keys.events, this.keys.outboxPositions];
    const args: Array<string | number> = [];
    // A merge of the shards' queues by rank: each queue is in rank order already (a shard's outbox keeps the order
    // its commit script wrote the batch in).
    for (;;) {
      const next = queues.filter((queue) => queue.length > 0).sort((a, b) => a[0]!.rank - b[0]!.rank)[0];
      if (!next) break;
      const { shard, sequence, entry } = next.shift()!;
      const [taskId, at, event] = JSON.parse(entry) as OutboxEntry;
      keys.push(this.keys.taskEvents(taskId));
      args.push(shard, sequence, taskId, at, event);
    }
    if (args.length === 0) return;
    const positions = (await this.runScript(SCRIPTS.appendEvents, keys, args)) as Array<string | number>;
    for (let index = 0; index + 1 < positions.length; index += 2) {
      const shard = Number(positions[index]);
      this.#appended.set(shard, Math.max(Number(positions[index + 1]), this.appendedUpTo(shard)));
    }
  }

  /**
   * On a single server, the append of a one-shard store's outbox sent right behind its commit script, in the same
   * round trip (see append-outbox.lua): call it without awaiting the commit. Answers the outbox's position after it.
   */
  async appendOnServer(taskIds: readonly string[]): Promise<number> {
    const keys = [this.keys.shards[0]!.outbox, this.keys.events, this.keys.outboxPositions];
    for (const id of taskIds) keys.push(this.keys.taskEvents(id));
    const position = Number(await this.runScript(SCRIPTS.appendOutbox, keys, [0, ...taskIds]));
    this.#appended.set(0, Math.max(position, this.appendedUpTo(0)));
    return position;
  }

  /** Appends what every shard's outbox holds (entries left by a process that died after its commit), then trims. */
  async drainOutboxes(): Promise<void> {
    for (;;) {
      this.countCommands(this.keys.shardCount);
      const outboxes = await Promise.all(
        this.keys.shards.map(async ({ outbox }) =>
          this.client.zrange(outbox, '0', String(APPEND_PAGE - 1), 'WITHSCORES'),
        ),
      );
      const found = new Map(outboxes.flatMap((entries, shard) => (entries.length > 0 ? [[shard, entries]] : [])));
      if (found.size === 0) return;
      await this.append(found);
      this.countCommands(found.size);
      await Promise.all(
        [...found.keys()].map((shard) =>
          this.client.zremrangebyscore(this.keys.shards[shard]!.outbox, '-inf', this.appendedUpTo(shard)),
        ),
      );
      if (outboxes.every((entries) => entries.length < 2 * APPEND_PAGE)) return;
    }
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
    const reader = duplicateClient(this.client);
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

  /**
   * Appends what the outboxes hold first, then deletes the oldest entries of the stream, at most `limit`, while
   * they are beyond the newest `keepNewest` or their `at` field is before `before`, and their ids from their task's
   * `task-events:<id>` list, in one transaction. Stream ids are never reused, so a reader's position stays valid.
   */
  async purgeEvents({ before, keepNewest, limit }: EventPurge): Promise<number> {
    await this.drainOutboxes();
    this.countCommand();
    const excess = (await this.client.xlen(this.#stream)) - keepNewest;
    this.countCommand();
    const oldest = (await this.client.xrange(this.#stream, '-', '+', 'COUNT', limit)) as StreamEntry[];
    const doomed: Array<{ id: string; taskId: string | undefined }> = [];
    for (const [index, [id, fields]] of oldest.entries()) {
      const at = Number(fields[fields.indexOf('at') + 1]);
      if (index >= excess && !(at < before)) break;
      const task = fields.indexOf('t');
      doomed.push({ id, taskId: task < 0 ? undefined : fields[task + 1] });
    }
    if (doomed.length === 0) return 0;
    const transaction = this.client.multi().xdel(this.#stream, ...doomed.map(({ id }) => id));
    for (const { id, taskId } of doomed)
      if (taskId !== undefined) transaction.lrem(this.keys.taskEvents(taskId), 1, id);
    this.countCommand();
    const [deleted] = await pipelineReplies(transaction);
    return Number(deleted);
  }

  /** Closes every watcher's connection: the store is closing. */
  closeAll(): void {
    for (const reader of this.#readers) this.#close(reader);
  }

  #close(reader: RedisClient): void {
    // A blocked XREAD never answers a QUIT: the connection is cut instead, which ends the read.
    if (this.#readers.delete(reader)) reader.disconnect();
  }
}
