import type { InspectionEvent, Observer } from 'xstate';
import type { TaskerInspector } from './inspector.js';
import { createJsonlInspect } from './jsonl-inspector.js';
import { createWebSocketInspect } from './websocket-inspector.js';

/** Which inspectors to switch on; none when both are absent. */
export interface InspectConfig {
  /** Stream inspection events to a Stately inspector WebSocket, e.g. `ws://localhost:8080`. */
  webSocketUrl?: string;
  /** Append inspection events to this JSONL file. */
  jsonlFile?: string;
}

/** {@link InspectConfig} from `TASKER_INSPECT_URL` and `TASKER_INSPECT_FILE`. */
export function inspectConfigFromEnv(env: NodeJS.ProcessEnv = process.env): InspectConfig {
  return {
    ...(env.TASKER_INSPECT_URL ? { webSocketUrl: env.TASKER_INSPECT_URL } : {}),
    ...(env.TASKER_INSPECT_FILE ? { jsonlFile: env.TASKER_INSPECT_FILE } : {}),
  };
}

/**
 * The inspectors `config` switches on, as one observer for `createEngine({ inspect })`; `undefined` when it
 * switches on none, so an engine without inspection pays nothing for it.
 *
 * @example
 * const inspector = inspectFromConfig(inspectConfigFromEnv());
 * const engine = createEngine({ ...(inspector ? { inspect: inspector.inspect } : {}) });
 */
export function inspectFromConfig(config: InspectConfig): TaskerInspector | undefined {
  const inspectors: TaskerInspector[] = [
    ...(config.webSocketUrl ? [createWebSocketInspect(config.webSocketUrl)] : []),
    ...(config.jsonlFile ? [createJsonlInspect(config.jsonlFile)] : []),
  ];
  if (inspectors.length <= 1) return inspectors[0];
  const inspect: Observer<InspectionEvent> = {
    next: (event) => {
      for (const inspector of inspectors) inspector.inspect.next?.(event);
    },
  };
  return { inspect, stop: async () => void (await Promise.all(inspectors.map((inspector) => inspector.stop()))) };
}
