import { createWriteStream } from 'node:fs';
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { configure } from 'safe-stable-stringify';
import type { TaskerInspector } from './inspector.js';

/** Snapshots hold actor references that point back at their parents: cut cycles and depth as the inspector does. */
const stringify = configure({ maximumDepth: 10 });

/**
 * Appends the inspection events of every task and step actor to `file`, one JSON object per line, in the same
 * Stately format the WebSocket inspector sends: a trace to read, filter (`jq`) or replay into the Stately
 * inspector after the fact (see docs/OBSERVABILITY.md).
 *
 * @example
 * const inspector = createJsonlInspect('inspection.jsonl');
 * const engine = createEngine({ inspect: inspector.inspect });
 * // ... later, after engine.stop():
 * await inspector.stop();
 */
export function createJsonlInspect(file: string): TaskerInspector {
  const stream = createWriteStream(file, { flags: 'a' });
  let open = true;
  const inspector = createInspector({
    send: (event: StatelyInspectionEvent) => {
      if (open) stream.write(`${stringify(event)}\n`);
    },
  });
  return {
    inspect: inspector.inspect,
    stop: async () => {
      // The inspector converts each event in a timer of its own: let those run before the file closes.
      await new Promise((resolve) => setTimeout(resolve, 0));
      open = false;
      await new Promise<void>((resolve, reject) =>
        stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    },
  };
}
