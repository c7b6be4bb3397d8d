import { createWebSocketInspector } from '@statelyai/inspect';
import type { TaskerInspector } from './inspector.js';

/**
 * Sends the inspection events of every task and step actor over a WebSocket to `url`, in the Stately inspector's
 * format: run `@statelyai/inspect`'s inspector server (or any WebSocket receiver) there. Events from before the
 * connection opens are kept (the latest 200) and sent once it does.
 *
 * @example
 * const inspector = createWebSocketInspect('ws://localhost:8080');
 * const engine = createEngine({ inspect: inspector.inspect });
 */
export function createWebSocketInspect(url: string): TaskerInspector {
  const inspector = createWebSocketInspector({ url });
  return {
    inspect: inspector.inspect,
    stop: async () => {
      // The inspector converts each event in a timer of its own: let those run before the socket closes.
      await new Promise((resolve) => setTimeout(resolve, 0));
      inspector.stop();
    },
  };
}
