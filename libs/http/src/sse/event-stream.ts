import type { ServerResponse } from 'node:http';

/** What an event stream keeps for a client that does not read, at most, unless told otherwise: 1 MiB. */
export const DEFAULT_STREAM_BUFFER_BYTES = 1_048_576;

/** A comment line every 15 s keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events to one client over a hijacked response, with a bound on what waits for it: the socket's own
 * backpressure (`write()` returning false) lets unsent text pile up in memory, so a client that stops reading is
 * disconnected once more than `maxBufferedBytes` wait, and its buffer is freed with it. `onClose` callbacks run once,
 * whichever way the stream ends (the client leaves, it is too slow, or the server ends it).
 */
export class EventStream {
  readonly #response: ServerResponse;
  readonly #maxBufferedBytes: number;
  readonly #onClose: Array<() => void> = [];
  readonly #heartbeat: NodeJS.Timeout;
  #closed = false;

  constructor(response: ServerResponse, maxBufferedBytes: number = DEFAULT_STREAM_BUFFER_BYTES) {
    this.#response = response;
    this.#maxBufferedBytes = maxBufferedBytes;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.#heartbeat = setInterval(() => this.#write(': heartbeat\n\n'), HEARTBEAT_MS);
    this.#heartbeat.unref();
    response.once('close', () => this.#closeOnce());
  }

  /** Whether the stream has ended, one way or another. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Calls `callback` once the stream has ended (at once if it has). */
  onClose(callback: () => void): void {
    if (this.#closed) callback();
    else this.#onClose.push(callback);
  }

  /**
   * Sends one event (`id: <id>` when given, `event: <name>`, `data: <json>`); dropped once the stream has ended. A
   * client that reconnects sends the last id it received as `Last-Event-ID`.
   */
  send(name: string, data: unknown, id?: string): void {
    const idLine = id === undefined ? '' : `id: ${id}\n`;
    this.#write(`${idLine}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Sends a comment line, which clients ignore (`: connected`). */
  comment(text: string): void {
    this.#write(`: ${text}\n\n`);
  }

  /** Ends the stream after what was sent. */
  end(): void {
    if (this.#closed) return;
    this.#response.end();
    this.#closeOnce();
  }

  #write(text: string): void {
    if (this.#closed) return;
    if (this.#response.writableLength + Buffer.byteLength(text) > this.#maxBufferedBytes) {
      // The client does not read: drop it rather than keep its backlog, which would grow as long as events come.
      this.#response.destroy();
      this.#closeOnce();
      return;
    }
    this.#response.write(text);
  }

  #closeOnce(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    for (const callback of this.#onClose.splice(0)) callback();
  }
}
