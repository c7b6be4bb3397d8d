/**
 * A worker process of the inspector tests: an engine named by the worker id it is given, inspected over WebSocket,
 * runs one checkout, prints the task's id and exits. Each run is a process of its own, as XState numbers sessions
 * from zero in every process.
 *
 *   node --import tsx inspected-worker.ts <inspector ws url> <worker id>
 */
import { createWebSocketInspect } from '../inspect/websocket-inspector.js';
import { CHECKOUT, checkoutEngine } from './checkout.js';

const [url, workerId] = process.argv.slice(2) as [string, string];
const inspector = createWebSocketInspect(url);
const engine = checkoutEngine({ inspect: inspector.inspect, workerId });
await engine.start();
const { taskId } = await engine.runTask(CHECKOUT);
await engine.waitForTask(taskId);
await engine.stop();
// The inspector sends from timers of its own: give the last events a moment to leave.
await new Promise((resolve) => setTimeout(resolve, 200));
await inspector.stop();
console.log(taskId);
