/** One server-sent event: its type (`event:`, `message` when absent), its data lines joined, and its id. */
export interface ServerSentEvent {
  type: string;
  data: string;
  id?: string;
}

/**
 * Splits a `text/event-stream` body into events as chunks of text arrive (the WHATWG event-stream format: `field:
 * value` lines, `:` comments, a blank line ending each event). Small enough to write out rather than add a
 * dependency for the one stream the CLI reads.
 */
export class EventStreamParser {
  #buffer = '';
  #type = '';
  #data: string[] = [];
  #id: string | undefined;

  constructor(private readonly onEvent: (event: ServerSentEvent) => void) {}

  /** Feeds the next chunk; calls `onEvent` for each event it completes. */
  push(chunk: string): void {
    this.#buffer += chunk;
    const lines = this.#buffer.split(/\r\n|\r|\n/);
    this.#buffer = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#data.length > 0) {
        this.onEvent({
          type: this.#type || 'message',
          data: this.#data.join('\n'),
          ...(this.#id === undefined ? {} : { id: this.#id }),
        });
      }
      this.#type = '';
      this.#data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') this.#type = value;
    else if (field === 'data') this.#data.push(value);
    else if (field === 'id') this.#id = value;
  }
}
