import type { HistoryEntry } from '../api/types.js';

/** One run of a step's handler, from its start to how it ended. */
export interface AttemptBar {
  step: string;
  attempt: number;
  startMs: number;
  /** When it ended; the time of reading for an attempt still running. */
  endMs: number;
  /** The state the step moved to (`completed`, `waiting_for_retry`, `failed`, ...), or `in_progress` while running. */
  outcome: string;
  timedOut: boolean;
  error: string | null;
}

const timeOf = (entry: HistoryEntry) => (entry.at ? Date.parse(entry.at) : 0);

/**
 * The attempts of every step, read from a task's history: an attempt starts with a move to `in_progress` and ends
 * with the step's next move. The time between one attempt's end and the next one's start is the retry backoff.
 */
export function attemptsOf(history: readonly HistoryEntry[], nowMs: number): AttemptBar[] {
  const bars: AttemptBar[] = [];
  const running = new Map<string, AttemptBar>();
  for (const entry of history) {
    const step = entry.step_name;
    if (step === null) continue;
    const open = running.get(step);
    if (open) {
      open.endMs = timeOf(entry);
      open.outcome = entry.to_state;
      open.timedOut = entry.error_code === 'STEP_TIMEOUT';
      open.error = entry.error_message;
      running.delete(step);
    }
    if (entry.to_state === 'in_progress') {
      const bar: AttemptBar = {
        step,
        attempt: entry.attempt ?? bars.filter((candidate) => candidate.step === step).length + 1,
        startMs: timeOf(entry),
        endMs: nowMs,
        outcome: 'in_progress',
        timedOut: false,
        error: null,
      };
      bars.push(bar);
      running.set(step, bar);
    }
  }
  return bars;
}
