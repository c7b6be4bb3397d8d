import { setTimeout as sleep } from 'node:timers/promises';
import type { LatencyRange } from '../config/parse-setting.js';

/** Waits a time drawn evenly from `range`, or until `signal` aborts (then rejects with the signal's reason). */
export async function simulateLatency(range: LatencyRange, signal: AbortSignal): Promise<void> {
  const ms = range.min + Math.floor(Math.random() * (range.max - range.min + 1));
  if (ms > 0) await sleep(ms, undefined, { signal });
  else signal.throwIfAborted();
}
