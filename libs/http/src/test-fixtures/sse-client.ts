/** One server-sent event as a client receives it. */
export interface ReceivedEvent {
  id?: string;
  event: string;
  data: Record<string, unknown>;
}

/** How {@link readEventStream} connects and when it stops. */
export interface ReadOptions {
  token: string;
  /** Stops once this many events arrived. */
  count: number;
  /** Sent as `Last-Event-ID`, as a browser's EventSource does when it reconnects. */
  lastEventId?: string;
  /** Called once the server said it is connected (`: connected`), before any event is awaited. */
  connected?: () => Promise<void>;
}

/** Reads server-sent events from `url` until `count` arrived, then disconnects. */
export async function readEventStream(url: string, options: ReadOptions): Promise<ReceivedEvent[]> {
  const controller = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${options.token}` };
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const response = await fetch(url, { headers, signal: controller.signal });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/event-stream')) throw new Error(`GET ${url} answered ${type}, not an event stream`);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: ReceivedEvent[] = [];
  let buffer = '';
  let connected = false;
  try {
    while (events.length < options.count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop()!;
      for (const block of blocks) {
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        const id = /^id: (.+)$/m.exec(block)?.[1];
        if (event && data && events.length < options.count)
          events.push({ ...(id === undefined ? {} : { id }), event, data: JSON.parse(data) });
        if (block.startsWith(': connected') && !connected) {
          connected = true;
          await options.connected?.();
        }
      }
    }
  } finally {
    controller.abort();
  }
  return events;
}
